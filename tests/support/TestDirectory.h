#pragma once

#include <string>

namespace Falcon {
namespace Testing {

class TestCertificates;

/// A scratch directory for this test process, removed at exit.
const std::string& testDirectory();

/// The process-wide test PKI (created on first use, in testDirectory()/pki).
TestCertificates& testPki();

/// A second, unrelated CA: certificates it issues must be refused by clients trusting testPki().
TestCertificates& foreignPki();

} } // namespace Falcon::Testing
