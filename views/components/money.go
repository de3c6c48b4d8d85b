package components

import "fmt"

// Yuan shows an amount in fen as "¥399.00": integer arithmetic only, never a float.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s¥%d.%02d", sign, fen/100, fen%100)
}
