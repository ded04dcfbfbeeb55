//go:build goexperiment.jsonv2

package bench_test

import jsonv2 "encoding/json/v2"

func init() {
	decoders = append(decoders, decoder{"json-v2", func(data []byte, v any) error { return jsonv2.Unmarshal(data, v) }})
}
