// Package rollup keeps aggregates of the payment lines per unit, programme, group, fund, status,
// channel and period, current in the same transaction as every write, and answers stats from them
// with exact distinct counts of recipients and persons (roaring bitmaps), whatever the number of lines.
package rollup

import (
	"fmt"
	"slices"
	"time"

	"hotro/internal/civil"
	"hotro/internal/disbursement"
)

// unitGrain is which unit a rollup row is kept for: the ward a line was recorded in, that ward's
// parent unit (a district, or a province for units directly under one), or its province.
type unitGrain uint8

const (
	grainWard unitGrain = iota
	grainParent
	grainProvince
)

// timeGrain is how finely a rollup row splits the paid date.
type timeGrain uint8

const (
	timeAll   timeGrain = iota // every date in one row (period 0)
	timeMonth                  // one row per month (period YYYYMM01; 0 without a paid date)
	timeDay                    // one row per day (period YYYYMMDD; 0 without a paid date)
)

// Level is one grain of rollup rows, stored under its ID in the level column.
type Level struct {
	ID   int16
	unit unitGrain
	time timeGrain
	// slim rows keep the programme and status only (group, fund and channel are 0 and ''): far
	// fewer rows for questions that neither group nor filter by those.
	slim bool
	Name string
}

// Levels are the grains kept. Every line counts once in each level; wards with days are exact for
// any question, the coarser ones make national and provincial questions cheap.
var Levels = []Level{
	{1, grainWard, timeDay, false, "ward/day"},
	{2, grainWard, timeAll, false, "ward"},
	{3, grainParent, timeDay, false, "district/day"},
	{4, grainParent, timeMonth, false, "district/month"},
	{5, grainParent, timeAll, false, "district"},
	{6, grainProvince, timeDay, false, "province/day"},
	{7, grainProvince, timeMonth, false, "province/month"},
	{8, grainProvince, timeAll, false, "province"},
	{9, grainParent, timeDay, true, "district/day slim"},
	{10, grainParent, timeMonth, true, "district/month slim"},
	{11, grainParent, timeAll, true, "district slim"},
	{12, grainProvince, timeDay, true, "province/day slim"},
	{13, grainProvince, timeMonth, true, "province/month slim"},
	{14, grainProvince, timeAll, true, "province slim"},
	{15, grainWard, timeDay, true, "ward/day slim"},
	{16, grainWard, timeAll, true, "ward slim"},
}

// maxLevels bounds len(Levels), for fixed-size arrays of keys.
const maxLevels = 16

func levelByID(id int16) (Level, bool) {
	for _, l := range Levels {
		if l.ID == id {
			return l, true
		}
	}
	return Level{}, false
}

// levelOf returns the level of the grains.
func levelOf(u unitGrain, t timeGrain, slim bool) (Level, bool) {
	for _, l := range Levels {
		if l.unit == u && l.time == t && l.slim == slim {
			return l, true
		}
	}
	return Level{}, false
}

// cellKey identifies one rollup row.
type cellKey struct {
	level   int16
	unit    int64
	program int64
	group   int64
	fund    int64
	status  uint8 // index in disbursement.Statuses
	channel uint8 // 0: none; else index in disbursement.Channels + 1
	period  int32
}

func (k cellKey) compare(o cellKey) int {
	switch {
	case k.level != o.level:
		return cmpInt(int64(k.level), int64(o.level))
	case k.unit != o.unit:
		return cmpInt(k.unit, o.unit)
	case k.program != o.program:
		return cmpInt(k.program, o.program)
	case k.group != o.group:
		return cmpInt(k.group, o.group)
	case k.fund != o.fund:
		return cmpInt(k.fund, o.fund)
	case k.status != o.status:
		return cmpInt(int64(k.status), int64(o.status))
	case k.channel != o.channel:
		return cmpInt(int64(k.channel), int64(o.channel))
	}
	return cmpInt(int64(k.period), int64(o.period))
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (k cellKey) String() string {
	l, _ := levelByID(k.level)
	return fmt.Sprintf("%s unit=%d program=%d group=%d fund=%d status=%s channel=%q period=%d",
		l.Name, k.unit, k.program, k.group, k.fund, statusText(k.status), channelText(k.channel), k.period)
}

var paidIndex = uint8(slices.Index(disbursement.Statuses, disbursement.Paid))

func statusIndex(s disbursement.Status) (uint8, error) {
	i := slices.Index(disbursement.Statuses, s)
	if i < 0 {
		return 0, fmt.Errorf("unknown status %q", s)
	}
	return uint8(i), nil
}

func statusText(i uint8) string { return string(disbursement.Statuses[i]) }

func channelIndex(c *disbursement.Channel) (uint8, error) {
	if c == nil {
		return 0, nil
	}
	i := slices.Index(disbursement.Channels, *c)
	if i < 0 {
		return 0, fmt.Errorf("unknown channel %q", *c)
	}
	return uint8(i + 1), nil
}

func channelText(i uint8) string {
	if i == 0 {
		return ""
	}
	return string(disbursement.Channels[i-1])
}

func parseChannel(s string) (uint8, error) {
	if s == "" {
		return 0, nil
	}
	c := disbursement.Channel(s)
	return channelIndex(&c)
}

// dayKey writes a date as the integer YYYYMMDD, which sorts like the date.
func dayKey(d civil.Date) int32 { return int32(d.Year*10000 + int(d.Month)*100 + d.Day) }

// monthKey is the dayKey of the first day of d's month.
func monthKey(d civil.Date) int32 { return int32(d.Year*10000 + int(d.Month)*100 + 1) }

// dateOfKey reads a dayKey back.
func dateOfKey(k int32) civil.Date {
	return civil.New(int(k/10000), time.Month(k/100%100), int(k%100))
}

// periodOf is the period column of a line paid on paid (nil: not paid) at the time grain.
func periodOf(t timeGrain, paid *civil.Date) int32 {
	if paid == nil || t == timeAll {
		return 0
	}
	if t == timeMonth {
		return monthKey(*paid)
	}
	return dayKey(*paid)
}
