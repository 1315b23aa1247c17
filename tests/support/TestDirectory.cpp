#include "TestDirectory.h"

#include "CertificateAuthority.h"
#include "ScanRecord.h"

#include <sys/stat.h>

#include <cstdlib>

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>

namespace Falcon {
namespace Testing {

std::string writeTestFile(const std::string& name, const std::string& content, unsigned mode)
{
	const std::string path = Poco::Path(testDirectory(), name).toString();
	{
		Poco::FileOutputStream out(path);
		out << content;
	}
	::chmod(path.c_str(), static_cast<mode_t>(mode));
	return path;
}

const std::string& testDirectory()
{
	static const std::string directory = [] {
		const std::string path = Poco::TemporaryFile::tempName();
		Poco::File(path).createDirectories();
		Poco::TemporaryFile::registerForDeletion(path);
		// Before the directory goes (handlers run in reverse order), the scan for secrets gets
		// every token store entry the tests left in it.
		std::atexit([] { recordStoreEntries(testDirectory()); });
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

}
} // namespace Falcon::Testing
