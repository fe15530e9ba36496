package devplatform_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthwiz/oauthwiz/flows/appmanifest"
	"github.com/oauthwiz/oauthwiz/flows/datadog"
	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// fakePrompter answers from a list and records what it was told.
type fakePrompter struct {
	answers []string
	said    []string
	asked   []string
}

func (f *fakePrompter) Say(text string) { f.said = append(f.said, text) }
func (f *fakePrompter) Ask(_ context.Context, label string) (string, error) {
	f.asked = append(f.asked, label)
	if len(f.answers) == 0 {
		return "", errors.New("no more answers")
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	return a, nil
}
func (f *fakePrompter) AskSecret(ctx context.Context, label string) (string, error) {
	return f.Ask(ctx, label)
}

func TestManualAsksOrReturnsTheSteps(t *testing.T) {
	ctx := context.Background()
	p := &datadog.Provider{}
	tests := []struct {
		name    string
		manual  devplatform.Manual
		run     func(devplatform.Manual) (any, error)
		want    any
		wantErr error
		asked   int
	}{
		{"import, nobody to ask", devplatform.Manual{Provider: p},
			func(m devplatform.Manual) (any, error) { return m.Import(ctx, "eu1", nil) }, devplatform.Credentials{}, devplatform.ErrManual, 0},
		{"import, asked", devplatform.Manual{Provider: p, Prompter: &fakePrompter{answers: []string{" id-eu ", "secret-eu"}}},
			func(m devplatform.Manual) (any, error) { return m.Import(ctx, "eu1", nil) }, devplatform.Credentials{ClientID: "id-eu", ClientSecret: "secret-eu"}, nil, 2},
		{"import, secret left empty", devplatform.Manual{Provider: p, Prompter: &fakePrompter{answers: []string{"id-eu", ""}}},
			func(m devplatform.Manual) (any, error) { return m.Import(ctx, "eu1", nil) }, devplatform.Credentials{}, devplatform.ErrIncomplete, 2},
		{"import, given ahead", devplatform.Manual{Provider: p, Prompter: &fakePrompter{}, Given: devplatform.Published{Credentials: devplatform.Credentials{ClientID: "g", ClientSecret: "s"}}},
			func(m devplatform.Manual) (any, error) { return m.Import(ctx, "eu1", nil) }, devplatform.Credentials{ClientID: "g", ClientSecret: "s"}, nil, 0},
		{"publish, asked with app_uuid", devplatform.Manual{Provider: p, Prompter: &fakePrompter{answers: []string{"pub", "psecret", "abc"}}},
			func(m devplatform.Manual) (any, error) { return m.Publish(ctx, "us1", "test") },
			devplatform.Published{Credentials: devplatform.Credentials{ClientID: "pub", ClientSecret: "psecret"}, AppUUID: "abc"}, nil, 3},
		{"publish, nobody to ask", devplatform.Manual{Provider: p},
			func(m devplatform.Manual) (any, error) { return m.Publish(ctx, "us1", "test") }, devplatform.Published{}, devplatform.ErrManual, 0},
		{"export, nobody to ask", devplatform.Manual{Provider: p},
			func(m devplatform.Manual) (any, error) { b, err := m.Export(ctx, "us1", "c"); return string(b), err }, "", devplatform.ErrManual, 0},
		{"export, the saved file named", devplatform.Manual{Provider: p, Prompter: &fakePrompter{answers: []string{"/tmp/x.json"}},
			ReadFile: func(path string) ([]byte, error) { return []byte("read " + path), nil }},
			func(m devplatform.Manual) (any, error) { b, err := m.Export(ctx, "us1", "c"); return string(b), err }, "read /tmp/x.json", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run(tt.manual)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v, %v", got, err, tt.want, tt.wantErr)
			}
			if fp, ok := tt.manual.Prompter.(*fakePrompter); ok {
				if len(fp.asked) != tt.asked {
					t.Fatalf("asked %q, want %d questions", fp.asked, tt.asked)
				}
				if len(fp.said) != 1 || !strings.Contains(fp.said[0], "https://app.") {
					t.Fatalf("the steps shown: %q", fp.said)
				}
			}
			var steps *devplatform.ManualSteps
			if errors.Is(err, devplatform.ErrManual) && (!errors.As(err, &steps) || !strings.HasPrefix(steps.Page, "https://") || len(steps.Steps) == 0) {
				t.Fatalf("the manual error names no page or steps: %v", err)
			}
		})
	}
}

func TestStandInExportsImportsAndPublishes(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1", "eu1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	d := sb.Discovery()
	dp := devplatform.StandIn{Provider: sb.Provider(), Discovery: &d}
	ctx := context.Background()
	us, ok := dp.Seeded("us1", "test")
	if !ok || !dp.Automated() {
		t.Fatalf("seeded %+v %v", us, ok)
	}
	b, err := dp.Export(ctx, "us1", us.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := appmanifest.Clients("export.json", b); err != nil || cs[0].Name != us.Name {
		t.Fatalf("the export holds %+v %v", cs, err)
	}
	imp, err := dp.Import(ctx, "eu1", b)
	if err != nil || imp.ClientID == "" || imp.ClientID == us.ClientID || imp.ClientSecret == us.ClientSecret {
		t.Fatalf("import %+v %v", imp, err)
	}
	pub, err := dp.Publish(ctx, "us1", us.ClientID)
	if err != nil || pub.AppUUID != sb.AppUUID() || pub.ClientID == us.ClientID {
		t.Fatalf("publish %+v %v", pub, err)
	}
	// What the stand-in refuses comes back with the site, the action and its answer.
	if _, err := dp.Export(ctx, "us1", "no-such-client"); err == nil || !strings.Contains(err.Error(), "export on us1 answered 404") {
		t.Fatalf("unknown client: %v", err)
	}
	if _, err := dp.Import(ctx, "eu1", []byte(`{"app":{}}`)); err == nil || !strings.Contains(err.Error(), "import on eu1 answered 400") {
		t.Fatalf("manifest without a client: %v", err)
	}
	if _, err := dp.Export(ctx, "ap9", us.ClientID); err == nil {
		t.Fatal("an unknown site was accepted")
	}
}

func TestDiscover(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{Sites: []string{"us1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	d := sb.Discovery()
	p, got, err := devplatform.Discover(context.Background(), nil, d.ControlURL)
	if err != nil || got.ControlURL != d.ControlURL || len(got.Clients) == 0 {
		t.Fatalf("discover: %+v %v", got, err)
	}
	if h, err := p.Hosts("us1"); err != nil || h.AppURL != d.Sites["us1"].AppURL {
		t.Fatalf("hosts %+v %v", h, err)
	}
	notJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>")) }))
	defer notJSON.Close()
	for url, want := range map[string]string{
		notJSON.URL:              "not valid JSON",
		notJSON.URL + "/nowhere": "not valid JSON",
		"http://127.0.0.1:1":     "cannot reach the sandbox",
	} {
		if _, _, err := devplatform.Discover(context.Background(), nil, url); err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "--") {
			t.Fatalf("%s: %v (want %q, and no flag named)", url, err, want)
		}
	}
}
