package main

// Example runs the program against the emulators of internal/sim, whose
// sample organisation is the same on every run.
func Example() {
	main()
	// Output:
	// 091f2fdc08591b661efb037ce2986660  user dc65fd7e5d1bc70abe9b09d25a87c326  unknown  2023-07-21
	// 0c8ae80ade2627361a435863e4088226  user 1c1a952254c95fc248a8e38a90c160f9  pending  2024-01-30
	// 0fbc90d20d3d76e06a585b966c616361  user f5f34837734cd909ecb31f6feaa160ba  active   2024-08-22
	// 295e4770d9b752521be59a83945d4b07  user edeca9afc0bfb628070292d2059e63e4  active   2023-12-31
	// 404e1fe7ac38199ccbf9791cc49dd74f  user b2d481780b88380c20d2ddeb3b514040  active   2023-03-25
	// 16 devices: 10 active, 5 pending, 1 unknown
}
