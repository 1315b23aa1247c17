#include "TestDirectory.h"

#include "CertificateAuthority.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>

namespace Falcon {
namespace Testing {

const std::string& testDirectory()
{
	static const std::string directory = [] {
		const std::string path = Poco::TemporaryFile::tempName();
		Poco::File(path).createDirectories();
		Poco::TemporaryFile::registerForDeletion(path);
		return path;
	}();
	return directory;
}

CertificateAuthority& testPki()
{
	static CertificateAuthority pki(Poco::Path(testDirectory(), "pki").toString());
	return pki;
}

CertificateAuthority& foreignPki()
{
	static CertificateAuthority pki(Poco::Path(testDirectory(), "foreign-pki").toString(), "Unrelated CA");
	return pki;
}

} } // namespace Falcon::Testing
