#pragma once

#include <string>
#include <vector>

namespace Falcon {
namespace Testing {

/// A throw-away PKI for TLS tests: a CA and server certificates issued by it, written as PEM
/// files into a directory (the way cpp-httplib's tests make their fixtures, but in-process).
class TestCertificates
{
public:
	struct Issued
	{
		std::string certificateFile;
		std::string keyFile;
	};

	/// Creates `directory` if needed and a fresh CA called `caName` in it.
	explicit TestCertificates(const std::string& directory, const std::string& caName = "Falcon Test CA");

	const std::string& caFile() const { return _caFile; }

	/// A server certificate for the given DNS names and IP addresses, signed by this CA.
	Issued issue(const std::string& fileStem, const std::vector<std::string>& dnsNames, const std::vector<std::string>& ipAddresses);

	/// Everything a loopback server needs: 127.0.0.1, ::1 and localhost.
	Issued issueLoopback(const std::string& fileStem = "loopback")
	{
		return issue(fileStem, {"localhost"}, {"127.0.0.1", "::1"});
	}

private:
	std::string _directory;
	std::string _caFile;
	std::string _caKeyFile;
	long _serial = 1;
};

} } // namespace Falcon::Testing
