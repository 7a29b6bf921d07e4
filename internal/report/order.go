package report

// DefaultDesc is the direction of an order given without one: KEY ascending, as with no order at
// all (the grouping values in their natural order), and a measure descending (the largest first,
// as a top-N asks). The GraphQL input StatsOrder and the export URLs both follow it.
func DefaultDesc(field OrderField) bool { return field != ByKey }

// OrderOf is the order of field, descending when direction is "DESC", ascending when "ASC", and by
// DefaultDesc when direction is empty.
func OrderOf(field OrderField, direction string) *Order {
	switch direction {
	case "DESC":
		return &Order{Field: field, Desc: true}
	case "ASC":
		return &Order{Field: field}
	}
	return &Order{Field: field, Desc: DefaultDesc(field)}
}
