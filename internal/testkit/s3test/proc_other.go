//go:build !linux

package s3test

import (
	"os"
	"syscall"
)

// sysProcAttr: without Pdeathsig, MinIO outlives a test binary that does not call
// Stop (from TestMain); Linux, where CI runs, needs nothing.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// alive is conservative off Linux: stale directories are kept.
func alive(pid int) bool {
	_, err := os.FindProcess(pid)
	return err == nil
}
