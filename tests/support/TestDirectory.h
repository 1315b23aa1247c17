#pragma once

#include <string>

namespace Falcon {
namespace Emulator {
class CertificateAuthority;
}

namespace Testing {

using Emulator::CertificateAuthority;

/// A scratch directory for this test process, removed at exit.
const std::string& testDirectory();

/// Writes `content` to testDirectory()/name with `mode`; returns the path.
std::string writeTestFile(const std::string& name, const std::string& content, unsigned mode = 0600);

/// The process-wide test PKI (created on first use, in testDirectory()/pki).
CertificateAuthority& testPki();

/// A second, unrelated CA: certificates it issues must be refused by clients trusting testPki().
CertificateAuthority& foreignPki();

}
} // namespace Falcon::Testing
