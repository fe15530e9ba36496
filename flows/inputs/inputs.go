// Package inputs names the inputs of the journey's steps, so that an engine
// can say which input is wrong, or which one offers a way out, without
// knowing how a front-end asks for it: a command shows it as its flag, the
// wizard as its field.
package inputs

import "errors"

// Field is an input of a step.
type Field string

// The inputs the engines name.
const (
	BaseRepo     Field = "base-repo"
	BaseBranch   Field = "base-branch"
	Branch       Field = "branch"
	ForkRemote   Field = "fork-remote"
	GitHubAPIURL Field = "github-api-url"
	ForceReason  Field = "force"
	RedirectURI  Field = "redirect-uri"
	Site         Field = "site"
	Provider     Field = "provider"
	Case         Field = "case"
)

// Error is a problem that one input is about: the message says it in
// words; Field names the input for the front-end to point at.
type Error struct {
	Field Field
	Msg   string
	Err   error // what it wraps (a sentinel such as a rejected push), if any
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Errorf is an Error about field.
func Errorf(field Field, err error, msg string) *Error {
	return &Error{Field: field, Msg: msg, Err: err}
}

// FieldOf is the input an error is about, if any.
func FieldOf(err error) (Field, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Field, true
	}
	return "", false
}
