package program

// AmountDue is what the group's rule grants one recipient for the months and people covered:
// monthly amount × months (× members for per-member groups), or the one-time amount. ok is false
// when the rule sets no amount (a level left to each province).
func (g *Group) AmountDue(months, people int) (due int64, ok bool) {
	switch g.Payment {
	case OneTime:
		if g.OneTimeAmount == nil {
			return 0, false
		}
		due = *g.OneTimeAmount
	default:
		if g.MonthlyAmount == nil {
			return 0, false
		}
		due = *g.MonthlyAmount * int64(months)
	}
	if g.SupportUnit == PerHouseholdMember {
		due *= int64(people)
	}
	return due, true
}

// MaxDue is the most the rule grants one recipient over the whole period.
func (g *Group) MaxDue(people int) (int64, bool) {
	months := 1
	if g.MaxMonths != nil {
		months = *g.MaxMonths
	}
	return g.AmountDue(months, people)
}

// PeopleCovered is how many persons a payment of this group covers for a recipient with the given
// household size: a payment to a household covers its members, a payment to a person covers one.
func (g *Group) PeopleCovered(members int) int {
	if g.SupportUnit == PerPerson {
		return 1
	}
	return members
}

// AmountDueSQL is AmountDue as a SQL expression over a payment line d and its group g: NULL when the
// rule sets no amount. A test keeps it equal to AmountDue.
const AmountDueSQL = `(CASE WHEN g.payment = 'ONE_TIME' THEN g.one_time_amount ELSE g.monthly_amount * d.months_covered END
	* (CASE WHEN g.support_unit = 'HOUSEHOLD_MEMBER' THEN d.people_covered ELSE 1 END))`
