package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// The chart: for a few scenarios, one pair of horizontal bars per
// contender, time per call and allocations per call, both relative to the
// floor (1×, the dashed line). Hand-written SVG, no dependency.

var chartScenarios = []string{"ALBDissociate/seq", "ALBDissociate/par64", "GADissociate/seq"}

const (
	chartWidth = 980
	labelW     = 330 // left column, contender names
	barX       = labelW + 10
	barMaxW    = 420 // width of the largest ratio
	barH       = 10
	rowH       = 42
	timeColor  = "#3b6fb6"
	cpuColor   = "#5aa469"
	allocColor = "#e08a2c"
)

func (r *report) svg() string {
	type row struct {
		label      string
		t, c, a    float64 // ratios to the floor
		tText      string
		cText      string
		aText      string
		emphasized bool
	}
	type block struct {
		title string
		rows  []row
	}
	var blocks []block
	maxRatio := 2.0
	for _, key := range chartScenarios {
		var s scenario
		for _, sc := range scenarios {
			if sc.key == key {
				s = sc
			}
		}
		f, ok := r.get(s, "floor")
		if !ok {
			continue
		}
		bl := block{title: s.title()}
		for _, c := range contenders {
			v, ok := r.get(s, c.key)
			if !ok {
				continue
			}
			t, cpu, a := ratio(v.NsOp, f.NsOp), ratio(v.CPUOp, f.CPUOp), ratio(v.Allocs, f.Allocs)
			if math.IsNaN(cpu) {
				cpu = 0
			}
			maxRatio = math.Max(maxRatio, math.Max(math.Max(t, cpu), a))
			bl.rows = append(bl.rows, row{
				label: c.labelFor(s), t: t, c: cpu, a: a,
				tText:      fmt.Sprintf("%s · %s", fx(t), us(v.NsOp)),
				cText:      fmt.Sprintf("%s · %s CPU", fx(cpu), us(v.CPUOp)),
				aText:      fmt.Sprintf("%s · %s allocs, %s B", fx(a), num(v.Allocs), num(v.BOp)),
				emphasized: strings.HasPrefix(c.key, "ours"),
			})
		}
		blocks = append(blocks, bl)
	}
	scale := math.Ceil(maxRatio)
	px := func(v float64) float64 { return barMaxW * v / scale }

	height := 90
	for _, bl := range blocks {
		height += 24 + rowH*len(bl.rows) + 12
	}
	height += 20

	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n",
		chartWidth, height, chartWidth, height)
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p(`<text x="20" y="30" font-size="17" font-weight="bold">Per-call cost relative to the floor (plain net/http, pre-signed request = 1×); lower is better</text>` + "\n")
	p(`<rect x="20" y="46" width="14" height="%d" fill="%s"/><text x="40" y="56">time per call (ns/op, wall clock, emulator included)</text>`+"\n", barH, timeColor)
	p(`<rect x="370" y="46" width="14" height="%d" fill="%s"/><text x="390" y="56">client CPU per call</text>`+"\n", barH, cpuColor)
	p(`<rect x="540" y="46" width="14" height="%d" fill="%s"/><text x="560" y="56">allocations per call (client only)</text>`+"\n", barH, allocColor)

	y := 90
	for _, bl := range blocks {
		p(`<text x="20" y="%d" font-size="14" font-weight="bold">%s</text>`+"\n", y, html.EscapeString(bl.title))
		top := y + 10
		y += 24
		for _, rw := range bl.rows {
			weight := "normal"
			if rw.emphasized {
				weight = "bold"
			}
			p(`<text x="%d" y="%d" text-anchor="end" font-weight="%s">%s</text>`+"\n", labelW, y+2*barH-2, weight, html.EscapeString(rw.label))
			for i, bar := range []struct {
				v     float64
				text  string
				color string
			}{{rw.t, rw.tText, timeColor}, {rw.c, rw.cText, cpuColor}, {rw.a, rw.aText, allocColor}} {
				by := y + i*(barH+1)
				p(`<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", barX, by, px(bar.v), barH, bar.color)
				p(`<text x="%.1f" y="%d" font-size="10">%s</text>`+"\n", float64(barX)+px(bar.v)+5, by+barH-1, html.EscapeString(bar.text))
			}
			y += rowH
		}
		one := float64(barX) + px(1)
		p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#444" stroke-dasharray="4 3"/>`+"\n", one, top, one, y-6)
		p(`<text x="%.1f" y="%d" font-size="10" fill="#444" text-anchor="middle">1×</text>`+"\n", one, top)
		y += 12
	}
	p(`<text x="20" y="%d" font-size="10" fill="#555">%s</text>`+"\n", y+10, html.EscapeString(fmt.Sprintf(
		"%s, %d logical CPUs; %s; %s; %s. Median of %d runs; emulator (signature checking on) in a separate process.",
		r.m.CPU, r.m.CPUs, r.m.OS, r.m.GoVersion, r.m.Date, r.runs())))
	p("</svg>\n")
	return b.String()
}
