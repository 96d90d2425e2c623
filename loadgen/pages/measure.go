package pages

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"sync"
	"time"
)

// Page is one address measured, as staff or as the public.
type Page struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Staff bool   `json:"staff"`
}

// Row is what was measured of one page at one size.
type Row struct {
	Page     string  `json:"page"`
	Comments int     `json:"comments"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	P50      float64 `json:"p50_ms"`
	P95      float64 `json:"p95_ms"`
}

// Ratio compares a page's p95 at the largest size with the smallest.
type Ratio struct {
	Page  string  `json:"page"`
	Small float64 `json:"p95_small_ms"`
	Large float64 `json:"p95_large_ms"`
	Ratio float64 `json:"ratio"`
}

// Result is the whole measurement.
type Result struct {
	Sizes   []int           `json:"sizes"`
	Load    map[int]float64 `json:"load_seconds"`
	Clients int             `json:"clients"`
	Rows    []Row           `json:"rows"`
	Ratios  []Ratio         `json:"ratios"`
}

var nextLink = regexp.MustCompile(`rel="next" href="([^"]+)"`)

// pages lists what is measured on f: each list's first page and a page
// reached by following its next link three times (keyset pages cost the
// same at any depth; this shows it).
func (f *Fixture) pages(client *http.Client) ([]Page, error) {
	id := url.PathEscape(f.Consultation)
	api := "/api/v1/consultations/" + id + "/comments?limit=20"
	out := []Page{
		{Name: "consultation page", Path: "/consultations/" + id},
		{Name: "public comment list (API)", Path: api},
		{Name: "public comment list (page)", Path: "/consultations/" + id + "/comments"},
		{Name: "moderation", Path: "/staff/consultations/" + id + "/moderation", Staff: true},
		{Name: "dispositions", Path: "/staff/consultations/" + id + "/dispositions", Staff: true},
		{Name: "adoption report page", Path: "/consultations/" + id + "/report", Staff: true},
	}
	deep := func(p Page) (Page, error) {
		path := p.Path
		for i := 0; i < 3; i++ {
			status, body, err := f.get(client, path, p.Staff)
			if err != nil || status != 200 {
				return Page{}, fmt.Errorf("GET %s: %d %v", path, status, err)
			}
			var next string
			if p.Path == api {
				var page struct {
					Next string `json:"next_cursor"`
				}
				if err := json.Unmarshal(body, &page); err != nil {
					return Page{}, err
				}
				if page.Next != "" {
					next = api + "&cursor=" + url.QueryEscape(page.Next)
				}
			} else if m := nextLink.FindSubmatch(body); m != nil {
				next = html.UnescapeString(string(m[1]))
			}
			if next == "" {
				break
			}
			path = next
		}
		return Page{Name: p.Name + ", 4th page", Path: path, Staff: p.Staff}, nil
	}
	for _, i := range []int{1, 3, 4} { // the API list, moderation, dispositions
		p, err := deep(out[i])
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Measure runs clients concurrent clients over every page of every
// fixture, rounds times, each round sending perRound requests per page to
// each fixture in turn (so both sizes see the same machine), and returns
// the latencies' quantiles and the ratios of the largest to the smallest
// fixture.
func Measure(ctx context.Context, fixtures []*Fixture, clients, rounds, perRound int) (*Result, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: time.Minute}
	res := &Result{Load: map[int]float64{}, Clients: clients}
	all := make([][]Page, len(fixtures))
	for i, f := range fixtures {
		res.Sizes = append(res.Sizes, f.N)
		res.Load[f.N] = f.Load.Seconds()
		p, err := f.pages(client)
		if err != nil {
			return nil, err
		}
		all[i] = p
	}
	type key struct{ fixture, page int }
	lat := map[key][]time.Duration{}
	errs := map[key]int{}
	var mu sync.Mutex
	for r := 0; r < rounds; r++ {
		for fi, f := range fixtures {
			for pi, p := range all[fi] {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				k := key{fi, pi}
				work := make(chan struct{}, perRound)
				for i := 0; i < perRound; i++ {
					work <- struct{}{}
				}
				close(work)
				var wg sync.WaitGroup
				for c := 0; c < clients; c++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range work {
							start := time.Now()
							status, _, err := f.get(client, p.Path, p.Staff)
							d := time.Since(start)
							mu.Lock()
							if err != nil || status != 200 {
								errs[k]++
							} else {
								lat[k] = append(lat[k], d)
							}
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
			}
		}
	}
	p95 := map[key]float64{}
	for fi, f := range fixtures {
		for pi, p := range all[fi] {
			k := key{fi, pi}
			ds := lat[k]
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			row := Row{Page: p.Name, Comments: f.N, Requests: len(ds) + errs[k], Errors: errs[k], P50: quantile(ds, 0.5), P95: quantile(ds, 0.95)}
			p95[k] = row.P95
			res.Rows = append(res.Rows, row)
		}
	}
	if len(fixtures) > 1 {
		small, large := 0, len(fixtures)-1
		for pi, p := range all[small] {
			if pi >= len(all[large]) {
				break
			}
			s, l := p95[key{small, pi}], p95[key{large, pi}]
			ratio := 0.0
			if s > 0 {
				ratio = l / s
			}
			res.Ratios = append(res.Ratios, Ratio{Page: p.Name, Small: s, Large: l, Ratio: round(ratio)})
		}
	}
	return res, nil
}

func quantile(ds []time.Duration, q float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	i := int(float64(len(ds)-1) * q)
	return round(float64(ds[i].Microseconds()) / 1000)
}

func round(x float64) float64 { return float64(int(x*100+0.5)) / 100 }
