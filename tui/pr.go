package tui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
	"github.com/oauthwiz/oauthwiz/flows/pullrequest"
	"github.com/oauthwiz/oauthwiz/flows/readme"
	"github.com/oauthwiz/oauthwiz/flows/termsafe"
	"github.com/oauthwiz/oauthwiz/flows/words"
)

// PRFlows are the side effects of the pull request and publish steps.
type PRFlows interface {
	PlanPR(ctx context.Context) (*pullrequest.Result, error)
	// OpenPR commits, pushes and opens the pull request planned by PlanPR
	// (plan): files changed since it was shown stop it. A nil plan plans
	// and pushes in one go (the app_uuid commit after publishing).
	// rebase puts the change on top of a fork's branch that has commits
	// this one lacks (asked once a push was rejected for it).
	// progress hears each stage of the run (commit, push, pull request).
	OpenPR(ctx context.Context, plan *pullrequest.Result, rebase bool, progress func(string)) (*pullrequest.Result, error)
	Publish(ctx context.Context, req PublishRequest, onURL func(string)) (PublishResult, error)
}

// Messages of the two steps.
type (
	prPlanMsg struct {
		res *pullrequest.Result
		err error
	}
	prDoneMsg struct {
		res *pullrequest.Result
		err error
	}
	publishURLMsg  struct{ url string }
	publishEditMsg struct{ edit *readme.FileEdit }
	publishDoneMsg struct {
		res PublishResult
		err error
	}
)

type prState struct {
	running bool
	stage   string      // what the push is doing now
	stages  chan string // from the running push
	plan    *pullrequest.Result
	done    *pullrequest.Result
	err     error
	// The plan's preview: the diff, or the body (tab), scrolled to offset.
	showBody bool
	offset   int
}

type publishState struct {
	running bool
	urls    chan string
	url     string
	done    *PublishResult
	err     error
	// edit is the app_uuid edit awaiting y or n; answer takes it.
	edit   *readme.FileEdit
	answer chan bool
}

func (m Model) startPR() (tea.Model, tea.Cmd) {
	m.step = stepPR
	if m.pr.done != nil {
		return m, nil
	}
	m.pr = prState{running: true}
	flows := m.deps.Flows
	return m, tea.Batch(m.spinner.Tick, m.tasks.run(func(ctx context.Context) tea.Msg {
		res, err := flows.PlanPR(ctx)
		return prPlanMsg{res, err}
	}))
}

func prKeys(m Model, k KeyMap) KeyMap {
	switch {
	case m.pr.running:
		k.active = []key.Binding{}
	case m.pr.rejected():
		k.active = []key.Binding{k.Rebase, k.Retry, k.Next, k.Back}
		k.short = []key.Binding{k.Rebase, k.Retry, k.Next}
	case m.pr.err != nil:
		k.active = []key.Binding{k.Retry, k.Next, k.Back}
	case m.pr.plan != nil && m.pr.done == nil:
		k.Tab.SetHelp("tab", "diff/body")
		k.active = []key.Binding{k.Confirm, k.Tab, k.Scroll, k.Next, k.Back}
		k.short = []key.Binding{k.Confirm, k.Tab, k.Scroll, k.Next}
	case m.pr.done != nil && m.pr.done.PullRequest != nil:
		k.Open.SetHelp("o", "open the pull request")
		k.active = []key.Binding{k.Open, k.Next, k.Back}
	default:
		k.active = []key.Binding{k.Next, k.Back}
	}
	return k
}

func publishKeys(m Model, k KeyMap) KeyMap {
	switch {
	case m.publish.edit != nil:
		k.Write.SetHelp("y", "write app_uuid")
		k.Cancel.SetHelp("n", "leave it")
		k.active = []key.Binding{k.Write, k.Cancel}
	case m.publish.running:
		k.active = []key.Binding{}
	case m.publish.err != nil && !errors.Is(m.publish.err, devplatform.ErrManual):
		k.active = []key.Binding{k.Retry, k.Back}
	default:
		k.active = []key.Binding{k.Next, k.Back}
	}
	return k
}

func (m Model) updatePR(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case m.pr.running:
	case key.Matches(msg, k.Back):
		m.step = stepChecks
	case key.Matches(msg, k.Next):
		return m.goTo(stepPublish)
	case key.Matches(msg, k.Confirm) && m.pr.plan != nil && m.pr.done == nil && m.pr.err == nil:
		return m.openPR(false)
	case key.Matches(msg, k.Tab) && m.pr.previewing():
		m.pr.showBody, m.pr.offset = !m.pr.showBody, 0
	case key.Matches(msg, k.Scroll) && m.pr.previewing():
		vp, _ := m.prPreviewIn(m.mainWidthBeside(m.sidebar(0))).Update(msg)
		m.pr.offset = vp.YOffset
	case key.Matches(msg, k.Rebase) && m.pr.rejected():
		return m.openPR(true)
	case key.Matches(msg, k.Open) && m.pr.done != nil && m.pr.done.PullRequest != nil:
		return m, openCmd(m.deps, m.pr.done.PullRequest.URL)
	case key.Matches(msg, k.Retry) && m.pr.err != nil:
		m.pr = prState{}
		return m.goTo(stepPR)
	}
	return m, nil
}

// openPR pushes the plan shown; rebase answers yes to putting the change on
// top of the fork's branch.
func (m Model) openPR(rebase bool) (tea.Model, tea.Cmd) {
	m.pr.running, m.pr.err, m.pr.stage = true, nil, ""
	stages := make(chan string, 16)
	m.pr.stages = stages
	flows, plan := m.deps.Flows, m.pr.plan
	return m, tea.Batch(m.spinner.Tick, m.tasks.run(func(ctx context.Context) tea.Msg {
		defer close(stages)
		res, err := flows.OpenPR(ctx, plan, rebase, func(s string) {
			select {
			case stages <- s:
			default: // the screen shows the latest; a burst may skip some
			}
		})
		return prDoneMsg{res, err}
	}), waitStage(stages))
}

// prStageMsg is a stage of the running push, for the screen.
type prStageMsg struct{ stage string }

func waitStage(ch chan string) tea.Cmd {
	return nextLine(ch, func(s string) tea.Msg { return prStageMsg{s} })
}

// nextLine waits for a task's next line (a stage, a URL to open) and hands
// it to the screen; a closed channel (the task ended) gives no message.
func nextLine(ch chan string, wrap func(string) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return wrap(s)
	}
}

// rejected is a push the fork refused because its branch moved on: the
// screen offers to rebase, as 'oauthwiz pr' asks.
func (s prState) rejected() bool {
	return s.plan != nil && errors.Is(s.err, pullrequest.ErrPushRejected)
}

func (m Model) startPublish() (tea.Model, tea.Cmd) {
	m.step = stepPublish
	return m, nil
}

func (m Model) updatePublish(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case m.publish.edit != nil && (key.Matches(msg, k.Write) || key.Matches(msg, k.Cancel)):
		answer, yes := m.publish.answer, key.Matches(msg, k.Write)
		m.publish.edit = nil
		answer <- yes // buffered: the task reads it
		return m, nil
	case m.publish.edit != nil, m.publish.running:
	case key.Matches(msg, k.Back):
		m.step = stepPR
	case m.publish.done != nil && key.Matches(msg, k.Next):
		m.step = stepSummary
	case key.Matches(msg, k.Next) || key.Matches(msg, k.Retry):
		urlCh, edits, answer := make(chan string, 16), make(chan *readme.FileEdit), make(chan bool, 1)
		m.publish = publishState{running: true, urls: urlCh, answer: answer}
		flows := m.deps.Flows
		req := PublishRequest{Site: m.site, RedirectURI: m.redirectURI(), Scopes: m.scopes(), Timeout: m.deps.Timeout}
		ctx := m.tasks.ctx
		// The app_uuid edit is shown and answered like 'oauthwiz publish'
		// asks: the task waits for y or n (or for quitting).
		req.Confirm = func(edit *readme.FileEdit) (bool, error) {
			select {
			case edits <- edit:
			case <-ctx.Done():
				return false, ctx.Err()
			}
			select {
			case yes := <-answer:
				return yes, nil
			case <-ctx.Done():
				return false, ctx.Err()
			}
		}
		waitEdit := func() tea.Msg {
			select {
			case e := <-edits:
				return publishEditMsg{e}
			case <-ctx.Done():
				return nil
			}
		}
		run := m.tasks.run(func(ctx context.Context) tea.Msg {
			res, err := flows.Publish(ctx, req, func(u string) {
				select {
				case urlCh <- u:
				default:
				}
			})
			close(urlCh)
			return publishDoneMsg{res, err}
		})
		return m, tea.Batch(m.spinner.Tick, run, waitPublishURL(urlCh), waitEdit)
	}
	return m, nil
}

func waitPublishURL(ch chan string) tea.Cmd {
	return nextLine(ch, func(u string) tea.Msg { return publishURLMsg{u} })
}

func (m Model) prView(w int) string {
	var b pane
	p := b.line
	p(m.st.Title.Render("8. Pull request"))
	switch {
	case m.pr.running && m.pr.plan == nil:
		p("%s Preparing the branch, the commit and the body…", m.spinner.View())
	case m.pr.running:
		p("%s Committing, pushing to your fork and opening the pull request…", m.spinner.View())
		if m.pr.stage != "" {
			p("%s", m.st.Subtle.Render(hardWrapWords(m.pr.stage, w)))
		}
	case m.pr.rejected():
		m.errorView(&b, m.pr.err, w)
		p("%s", hardWrapWords("Your fork's "+m.pr.plan.Branch+" has commits this branch lacks. Press b to put your change on top of them and push, r to plan again, enter to go on without it.", w))
	case m.pr.err != nil:
		m.errorView(&b, m.pr.err, w)
		p("Press r to try again, enter to go on without it.")
	case m.pr.done != nil:
		r := m.pr.done
		p(m.st.Done.Render("✓ Pull request #%d %s"), r.PullRequest.Number, r.PullRequest.Action)
		m.longValue(&b, r.PullRequest.URL, w)
		p("Branch %s, commit %s, pushed to:", r.Branch, short(r.Commit))
		p("%s", field("  ", r.PushedTo, w))
	case m.pr.plan != nil:
		header := m.prPlanHeader(w)
		for _, l := range header {
			p("%s", l)
		}
		vp := m.prPreview(w, len(header))
		what, other := "diff", "body"
		if m.pr.showBody {
			what, other = "body", "diff"
		}
		p("%s", m.st.Key.Render(fmt.Sprintf("── %s (tab: %s) · lines %d–%d of %d", what, other, vp.YOffset+1, min(vp.YOffset+vp.Height, vp.TotalLineCount()), vp.TotalLineCount())))
		p("%s", vp.View())
		p("Press y to commit, push and open the pull request.")
	}
	return b.text()
}

// previewing is true while the plan is shown, before y.
func (s prState) previewing() bool { return s.plan != nil && s.done == nil && !s.running }

// prPlanHeader says where the change goes before y: the base repository,
// the fork and branch it is pushed from, what happens to the working tree,
// and the commits left behind.
func (m Model) prPlanHeader(w int) []string {
	r := m.pr.plan
	var b pane
	p := b.line
	into := r.BaseRepo
	if r.Base != "" {
		into += " (from " + r.Base + ")"
	}
	p("%s", hardWrapWords("Into: "+into, w))
	p("%s", hardWrapWords("From: "+strings.TrimPrefix(r.PushedTo, "(dry run) "), w))
	if r.Checkout != "" {
		p("%s", hardWrapWords(strings.ToUpper(r.Checkout[:1])+r.Checkout[1:]+".", w))
	}
	p("%s", hardWrapWords(words.Count(len(r.Files), "file")+", every pushed commit scanned for secrets.", w))
	if n := len(r.OtherCommits); n > 0 {
		p("%s", m.st.Warn.Render(hardWrapWords(fmt.Sprintf("Not pushed: %s of your checked-out branch %s not on %s (%s…); the pull request leaves them out.", words.Count(n, "commit"), words.IsAre(n), r.Base, r.OtherCommits[0].Subject), w)))
	}
	return strings.Split(b.text(), "\n")
}

// prPreview is the plan's diff or body in a viewport as tall as the window
// leaves, scrolled to where the person left it. The text is the
// repository's: escape sequences are taken out before it is drawn.
// prPreviewIn is the preview of a pane w wide, under its header.
func (m Model) prPreviewIn(w int) viewport.Model { return m.prPreview(w, len(m.prPlanHeader(w))) }

// prPreview is the diff or body viewport of a pane w wide under a header
// of headerLines lines.
func (m Model) prPreview(w, headerLines int) viewport.Model {
	text := m.pr.plan.Diff
	if m.pr.showBody {
		text = m.pr.plan.Body
	}
	var lines []string
	if m.pr.showBody {
		for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			lines = append(lines, ansi.Hardwrap(termsafe.Text(l), w, true))
		}
	} else {
		lines = m.diffView(text, w)
	}
	// The pane less: the step's title, the header, the preview's rule and
	// the question.
	h := 8
	if l := m.layout(); l.height > 0 {
		h = max(3, l.height-1-headerLines-2)
	}
	vp := viewport.New(w, h)
	vp.KeyMap = viewport.KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k")),
		Down:     key.NewBinding(key.WithKeys("down", "j")),
		PageUp:   key.NewBinding(key.WithKeys("pgup")),
		PageDown: key.NewBinding(key.WithKeys("pgdown")),
	}
	vp.SetContent(strings.Join(lines, "\n"))
	vp.SetYOffset(m.pr.offset)
	return vp
}

func short(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

func (m Model) publishView(w int) string {
	var b pane
	p := b.line
	p(m.st.Title.Render("9. Publish, then re-test"))
	switch {
	case m.publish.edit != nil:
		p("Published. A new integration carries the published app_uuid:")
		p("%s", m.publish.edit.Diff())
		p("Press y to write it into manifest.json (and push it to the pull request), n to leave it.")
	case m.publish.running:
		p("%s Publishing, writing app_uuid, re-testing the published client…", m.spinner.View())
		if m.publish.url != "" {
			p("Sign in to an org that is NOT your sandbox org and authorize:")
			m.longValue(&b, m.publish.url, w)
		}
	case errors.Is(m.publish.err, devplatform.ErrManual):
		p("%s", hardWrapWords("Publish the app in the Developer Platform's Publishing tab, then run 'oauthwiz publish --site "+m.site+"' to record the published client and app_uuid (shown once), write app_uuid into manifest.json, push it to the pull request and re-test.", w))
	case m.publish.err != nil:
		m.errorView(&b, m.publish.err, w)
		p("Press r to try again.")
	case m.publish.done != nil:
		r := m.publish.done
		p("%s", m.st.Done.Render(field("✓ Published client ", r.ClientID, w)))
		if r.Written {
			p("%s", hanging("  ", "app_uuid "+r.AppUUID+" written into manifest.json and pushed", w, nil))
		} else if r.Note != "" {
			p("%s", hanging("  ", "app_uuid "+r.Note+".", w, nil))
		}
		sites := slices.Sorted(maps.Keys(r.Retests))
		for _, s := range sites {
			p("%s", hanging("  re-test on "+s+": ", r.Retests[s], w, nil)) // a failure's reason whole
		}
		if m.pr.done != nil {
			p("Paste the pull request link into the publishing form (c copies it):")
			m.longValue(&b, m.pr.done.PullRequest.URL, w)
		}
	default:
		p("%s", hardWrapWords("In the Developer Platform's Publishing tab, publish the app: Datadog shows the published client ID, its secret and the app_uuid once. A new integration carries that app_uuid in manifest.json; then the published client is authorized again, from an org that is not your sandbox org.", w))
		p("")
		p("Press enter to publish.")
	}
	return b.text()
}

// updatePRMsg takes the pull request's and publishing's messages.
func (m Model) updatePRMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case prPlanMsg:
		m.pr.running, m.pr.plan, m.pr.err = false, msg.res, msg.err
	case prStageMsg:
		m.pr.stage = msg.stage
		return m, waitStage(m.pr.stages)
	case prDoneMsg:
		m.pr.running, m.pr.err = false, msg.err
		if msg.err == nil {
			m.pr.done = msg.res
		}
	case publishEditMsg:
		m.publish.edit = msg.edit
	case publishURLMsg:
		m.publish.url = msg.url
		return m, waitPublishURL(m.publish.urls) // one URL per site re-tested
	case publishDoneMsg:
		m.publish.running, m.publish.err = false, msg.err
		if msg.err == nil {
			m.publish.done = &msg.res
		}
	}
	return m, nil
}
