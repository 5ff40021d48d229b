package ga

import (
	"bytes"
	"strconv"
	"time"
)

// GA's answers are not consistent about numbers: DescribeListener's
// CreateTime and BackendPorts are JSON strings, DescribeAccelerator's times
// and PortRanges are numbers. The types below accept either, so a change of
// representation on the service side cannot break a waiter that only needs
// State: a value that is neither decodes as zero.

// flexInt is a JSON number or a string holding one.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(string(b), 64); ferr == nil {
			v = int64(f)
		}
	}
	*n = flexInt(v)
	return nil
}

// msTime is a time in milliseconds since the epoch, a JSON number or a
// string holding one; 0, "" and null are the zero time.
type msTime time.Time

func (t *msTime) UnmarshalJSON(b []byte) error {
	var ms flexInt
	_ = ms.UnmarshalJSON(b)
	if ms <= 0 {
		*t = msTime{}
		return nil
	}
	*t = msTime(time.UnixMilli(int64(ms)).UTC())
	return nil
}

func (t msTime) Time() time.Time { return time.Time(t) }
