package main

// Example runs the program against the public test servers, whose
// sample organisation is the same on every run.
func Example() {
	main()
	// Output:
	// 040371cea3b144fd67b92f69180fe864  user f5f34837734cd909ecb31f6feaa160ba  active   2023-10-14
	// 08204b0d6a02a0cf76347eac2913f48e  user 760dc6791071b1dc4eb42f87b9cbd50b  active   2025-06-12
	// 0a9b25da871cee997a08bba085561673  user c5ba549e996cb1b6038174c2351d3ca9  active   2025-08-01
	// 295e4770d9b752521be59a83945d4b07  user ee26adb2aefcf25b4946a754ece9cc17  active   2023-01-02
	// 3d2af34d4e0c6c434b40b81560303ba9  user 1c1a952254c95fc248a8e38a90c160f9  pending  2022-12-10
	// 16 devices: 11 active, 4 pending, 1 unknown
}
