package feedback

// The words of reasons, statuses and outcomes in Vietnamese, as the public posting page shows them.
var (
	reasonLabels = map[Reason]string{
		NotEligible:        "Không đủ điều kiện",
		WrongAmount:        "Sai số tiền",
		WrongHouseholdSize: "Sai số nhân khẩu",
		Other:              "Lý do khác",
		MissingPerson:      "Bị bỏ sót",
	}
	statusLabels  = map[Status]string{Open: "Đã tiếp nhận", Answered: "Đã trả lời, đang xử lý", Closed: "Đã đóng"}
	outcomeLabels = map[Outcome]string{
		LineCorrected: "Đã sửa dòng",
		LineCancelled: "Đã hủy dòng",
		PersonAdded:   "Đã bổ sung vào danh sách mới",
		Explained:     "Đã giải thích",
		Unfounded:     "Không có cơ sở",
	}
)

// Label is the reason in Vietnamese.
func (r Reason) Label() string { return reasonLabels[r] }

// Label is the status in Vietnamese.
func (s Status) Label() string { return statusLabels[s] }

// Label is the outcome in Vietnamese.
func (o Outcome) Label() string { return outcomeLabels[o] }
