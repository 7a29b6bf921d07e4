package graph

import (
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"hotro/graph/model"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/intake"
)

// AcceptUploads lets the handler take multipart requests (the GraphQL multipart request spec) with
// files up to maxBytes. Files over maxMemory wait in temporary files while the request is read.
func AcceptUploads(srv *handler.Server, maxBytes, maxMemory int64) {
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: maxBytes, MaxMemory: maxMemory})
}

// importRequest maps checkImport's input onto the intake's request.
func importRequest(in model.ImportInput) intake.Request {
	return intake.Request{Program: in.Program, Group: in.Group, Ward: in.Ward, Fund: deref(in.Fund),
		ListedOn: in.ListedOn, FileName: in.File.Filename}
}

// transition maps transitionDisbursements' input onto a selection and an action.
func transition(in model.TransitionInput) (disbursement.Selection, disbursement.Action, error) {
	var sel disbursement.Selection
	for _, id := range in.Ids {
		n, err := parseID(id)
		if err != nil {
			return sel, disbursement.Action{}, err
		}
		sel.IDs = append(sel.IDs, n)
	}
	if in.Batch != nil {
		n, err := parseID(*in.Batch)
		if err != nil {
			return sel, disbursement.Action{}, err
		}
		sel.BatchID = n
	}
	if in.Filter != nil {
		f := filterOf(in.Filter)
		sel.Filter = &f
	}
	a := disbursement.Action{Step: in.Step, On: in.Date, DecisionNumber: deref(in.DecisionNumber),
		DecisionIssuer: deref(in.DecisionIssuer), ReceiptNumber: deref(in.ReceiptNumber), Reason: deref(in.Reason)}
	if in.Channel != nil {
		a.Channel = *in.Channel
	}
	return sel, a, nil
}

// timeText writes an instant in Asia/Ho_Chi_Minh, RFC 3339.
func timeText(t time.Time) string { return t.In(civil.Location).Format(time.RFC3339) }
