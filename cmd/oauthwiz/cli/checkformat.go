package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/oauthwiz/oauthwiz/checks"
	"github.com/oauthwiz/oauthwiz/flows/words"
	"github.com/owenrumney/go-sarif/v2/sarif"
)

// checkFormat is the output format asked for: --format, else json with
// --json, else github under GitHub Actions, else text.
func checkFormat(sys *IO, o CheckOptions) (string, error) {
	switch f := o.Format; {
	case f == "" && o.JSON:
		return "json", nil
	case f == "" && sys.Getenv("GITHUB_ACTIONS") == "true":
		return "github", nil
	case f == "":
		return "text", nil
	case f == "text" || f == "json" || f == "github" || f == "sarif":
		if o.JSON && f != "json" {
			return "", usagef("--json and --format %s ask for two formats: keep one", f)
		}
		return f, nil
	}
	return "", usagef("--format %q: use text, json, github or sarif", o.Format)
}

// changedSince is the ref to compare with: the flag, else the pull
// request's base under GitHub Actions (GITHUB_BASE_REF), else none.
func changedSince(sys *IO, o CheckOptions) string {
	if o.ChangedSince != "" {
		return o.ChangedSince
	}
	if sys.Getenv("GITHUB_ACTIONS") == "true" {
		return sys.Getenv("GITHUB_BASE_REF") // empty on a push: the whole tree
	}
	return ""
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// printAnnotations writes one GitHub workflow command per finding, so the
// findings show on the pull request's diff (errors as ::error, warnings as
// ::warning), with the path from the repository's root.
func printAnnotations(w io.Writer, rep checks.Report) {
	for _, f := range rep.Findings {
		level := "warning"
		if f.Severity == checks.Error {
			level = "error"
		}
		props := "file=" + escapeProperty(f.Path)
		if f.Line > 0 {
			props += fmt.Sprintf(",line=%d", f.Line)
		}
		props += ",title=" + escapeProperty(f.Rule)
		fmt.Fprintf(w, "::%s %s::%s\n", level, props, escapeData(f.Message+" — fix: "+f.Fix))
	}
	s := rep.Summary
	fmt.Fprintf(w, "Checked %s: %s, %s.\n", words.Count(s.Integrations, "integration"), words.Count(s.Errors, "error"), words.Count(s.Warnings, "warning"))
}

// escapeData and escapeProperty escape a workflow command's message and
// property values as GitHub's runner reads them back.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// writeJobSummary appends the checklist to the job's summary page
// ($GITHUB_STEP_SUMMARY), in Markdown; nothing without that file.
func writeJobSummary(sys *IO, rep checks.Report) error {
	path := sys.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	var b strings.Builder
	s := rep.Summary
	fmt.Fprintf(&b, "## oauthwiz check\n\n%s: %s, %s.\n\n", words.Count(s.Integrations, "integration"), words.Count(s.Errors, "error"), words.Count(s.Warnings, "warning"))
	if len(rep.Findings) > 0 {
		b.WriteString("| | integration | rule | where | what | fix |\n|---|---|---|---|---|---|\n")
		for _, f := range rep.Findings {
			mark := "⚠️"
			if f.Severity == checks.Error {
				mark = "❌"
			}
			where := f.Path
			if f.Line > 0 {
				where = fmt.Sprintf("%s:%d", f.Path, f.Line)
			}
			fmt.Fprintf(&b, "| %s | %s | `%s` | `%s` | %s | %s |\n", mark, cell(f.Integration), f.Rule, where, cell(f.Message), cell(f.Fix))
		}
	}
	file, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := file.WriteString(b.String() + "\n"); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

// cell keeps a table cell on one line and its pipes literal.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}

// writeSARIF writes the report as SARIF 2.1.0 — one rule per rule id (its
// summary, default level and whether oauthwiz fixes it), one result per
// finding at its path from the repository's root — for code scanning.
func writeSARIF(w io.Writer, rep checks.Report, version string) error {
	doc, err := sarif.New(sarif.Version210, true)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("oauthwiz", "https://github.com/oauthwiz/oauthwiz")
	run.Tool.Driver.WithVersion(version)
	for _, r := range checks.Rules {
		help := "Fix by hand as the finding says."
		if r.Fixable {
			help = "'oauthwiz fix readme' or 'oauthwiz fix manifest' repairs it."
		}
		run.AddRule(r.ID).WithDescription(r.Summary).WithTextHelp(help).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(r.Severity)))
	}
	for _, f := range rep.Findings {
		region := sarif.NewRegion().WithStartLine(max(1, f.Line))
		where := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(f.Path)).WithRegion(region)
		run.CreateResultForRule(f.Rule).WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(f.Message + " Fix: " + f.Fix)).
			AddLocation(sarif.NewLocationWithPhysicalLocation(where))
	}
	doc.AddRun(run)
	return doc.PrettyWrite(w)
}

func sarifLevel(severity string) string {
	if severity == checks.Error {
		return "error"
	}
	return "warning"
}
