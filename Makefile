# Convenience targets; the scripts in Scripts/ do the work.


.PHONY: build release test demo install uninstall deb clean

build:
	swift build

release:
	swift build -c release --static-swift-stdlib

test:
	Scripts/test

demo:
	Scripts/demo

install:
	Scripts/install

# Removes what install added; never the plan or the ledger.
uninstall:
	Scripts/uninstall

# A Debian package in .build/deb/ (Scripts/package-deb).
deb:
	Scripts/package-deb

clean:
	rm -rf .build
