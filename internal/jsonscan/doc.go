// Package jsonscan reads JSON documents of a known shape without
// reflection and without copying: a string value with no escapes is a
// substring of the document. It exists for the few hot bodies of this
// module (lists of a thousand devices), where encoding/json's reflection,
// its second validation pass and one allocation per string cost several
// times the round trip itself.
//
// It accepts exactly what encoding/json accepts and reads values as
// encoding/json would into string, bool and skipped fields: keys match
// exactly, else case-insensitively (the last duplicate wins), invalid
// UTF-8 in a string reads as U+FFFD, a null leaves the value unset, and
// nesting deeper than 10000 is an error. One difference is deliberate:
// when a key is repeated, encoding/json decodes the later value into what
// the earlier one left (fields of an earlier array's elements survive);
// a reader built on a Decoder keeps the later value alone. Every decoder built on it is
// checked against encoding/json by a differential fuzz test.
//
// A Decoder reports its first error through Err and ignores every call
// after it, so a decoder reads its shape straight through and checks Err
// once at the end:
//
//	d := jsonscan.NewDecoder(body)
//	for key := range d.Members() {
//		if jsonscan.Match(key, "devices") {
//			for range d.Elements() {
//				for key := range d.Members() {
//					switch {
//					case jsonscan.Match(key, "id"):
//						dev.ID, _ = d.String()
//					}
//				}
//			}
//		}
//	}
//	if err := d.End(); err != nil { ... }
package jsonscan
