# Convenience targets; the scripts in Scripts/ do the work.
PREFIX ?= $(HOME)/.local

.PHONY: build release test demo install clean

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

clean:
	rm -rf .build
