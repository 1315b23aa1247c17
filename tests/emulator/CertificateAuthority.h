#pragma once

#include <string>
#include <vector>

namespace Falcon {
namespace Emulator {

/// A small PKI for loopback TLS: a CA and server certificates issued by it, written as PEM files
/// into a directory. The emulator makes one on first start (and reuses it afterwards); tests
/// make throw-away ones, the way cpp-httplib's tests make their fixtures, but in-process.
class CertificateAuthority
{
public:
	struct Issued
	{
		std::string certificateFile;
		std::string keyFile;
	};

	/// Creates `directory` if needed and a fresh CA called `caName` in it; with `reuse`, a CA
	/// already there (ca.pem and ca.key) is kept.
	explicit CertificateAuthority(
		const std::string& directory, const std::string& caName = "Falcon Test CA", bool reuse = false);

	const std::string& caFile() const { return _caFile; }

	/// What a certificate is for: a server's, or a client's in mutual TLS.
	enum class Purpose
	{
		Server,
		Client
	};

	/// A certificate for the given DNS names and IP addresses, signed by this CA; `expired`: one
	/// whose validity ended yesterday.
	Issued issue(const std::string& fileStem, const std::vector<std::string>& dnsNames,
		const std::vector<std::string>& ipAddresses, Purpose purpose = Purpose::Server, bool expired = false);

	/// Everything a loopback server needs: 127.0.0.1, ::1 and localhost.
	Issued issueLoopback(const std::string& fileStem = "loopback")
	{
		return issue(fileStem, {"localhost"}, {"127.0.0.1", "::1"});
	}

private:
	std::string _directory;
	std::string _caFile;
	std::string _caKeyFile;
};

}
} // namespace Falcon::Emulator
