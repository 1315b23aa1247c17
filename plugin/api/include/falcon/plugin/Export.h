#pragma once

/// Marks what the host <-> plugin contract exports: everything else in the plugin's objects is
/// built with hidden visibility.
#define FALCON_PLUGIN_EXPORT __attribute__((visibility("default")))
