package components

// Field describes one labelled form input. Error is the translated message shown
// under it (and announced through aria-describedby); Value is what the user typed,
// so a refused form keeps it (passwords are never echoed back).
type Field struct {
	Name, Label, Type, Value string
	Hint, Error              string
	Autocomplete, InputMode  string
	Required, Autofocus      bool
	MaxLength                int
	// Accept and Capture are for file inputs (e.g. "image/*,application/pdf", "environment").
	Accept, Capture string
}

func (f Field) inputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

func (f Field) id() string { return "f-" + f.Name }

func (f Field) describedBy() string {
	var ids string
	if f.Hint != "" {
		ids = f.id() + "-hint"
	}
	if f.Error != "" {
		if ids != "" {
			ids += " "
		}
		ids += f.id() + "-error"
	}
	return ids
}

// Option is one choice of a select or radio group.
type Option struct {
	Value, Label string
}

// Select describes a labelled <select>.
type Select struct {
	Name, Label, Value, Error, Hint string
	Options                         []Option
	Required                        bool
}

func (s Select) id() string { return "f-" + s.Name }
