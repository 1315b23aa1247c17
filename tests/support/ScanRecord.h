#pragma once

#include <string>

namespace Falcon {
namespace Testing {

/// When the test suite records what it wrote ($FALCON_TEST_RECORD_DIR), keeps `text` there as
/// `PID-N-name` for the final scan for secrets (tests/security/scan-for-secrets). Does nothing
/// otherwise.
void recordForScan(const std::string& name, const std::string& text);

/// Records every token store entry (`*.entry`) under `directory`, as a grep of it would see them.
void recordStoreEntries(const std::string& directory);

}
} // namespace Falcon::Testing
