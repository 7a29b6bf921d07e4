package export_test

import (
	"net/http"
	"testing"

	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/seed/seedtest"
)

// TestExportWordsAreTheVocabulary: a file grouped by status and channel names each code as the one
// table of words has it (disbursement.Text), in the file's language; the same words the API's
// vocabulary query and the dashboard show.
func TestExportWordsAreTheVocabulary(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	srv := serve(t, d, analystID, nil)
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			res, body := fetch(t, srv, "/export/stats.csv?groupBy=STATUS,CHANNEL&lang="+lang)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			rows := readCSV(t, body)
			statuses, channels := map[string]bool{}, map[string]bool{}
			for _, row := range rows[1 : len(rows)-1] { // the last row is the total
				status, statusName, channel, channelName := row[0], row[1], row[2], row[3]
				if want := disbursement.Status(status).Text().In(lang); statusName != want || want == status {
					t.Errorf("status %s reads %q, want %q", status, statusName, want)
				}
				statuses[status] = true
				if channel == "" {
					continue // not paid yet
				}
				if want := disbursement.Channel(channel).Text().In(lang); channelName != want || want == channel {
					t.Errorf("channel %s reads %q, want %q", channel, channelName, want)
				}
				channels[channel] = true
			}
			// The demo data has lines in most statuses and every channel: the check is not vacuous.
			if len(statuses) < 3 || len(channels) != len(disbursement.Channels) {
				t.Errorf("the file has statuses %v and channels %v: too few to check the words", statuses, channels)
			}
		})
	}
}
