// Package redact keeps secrets out of what the module's values print.
//
// fmt prints a struct's unexported fields by reflection, without calling
// their methods, and a verb a type does not expect (%s, %d, %t on a
// struct) prints the fields behind its pointers: a type that holds a
// credential, however deep, needs a Format method of its own that prints
// a safe text for every verb. Format is that method's body.
package redact
