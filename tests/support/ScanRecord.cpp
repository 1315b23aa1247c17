#include "ScanRecord.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace Falcon {
namespace Testing {

void recordForScan(const std::string& name, const std::string& text)
{
	const char* directory = std::getenv("FALCON_TEST_RECORD_DIR");
	if (!directory) return;
	static std::atomic<unsigned> counter{0};
	Poco::FileOutputStream(
		std::string(directory) + "/" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" + name)
		<< text;
}

void recordStoreEntries(const std::string& directory)
{
	if (!std::getenv("FALCON_TEST_RECORD_DIR") || !Poco::File(directory).exists()) return;
	for (Poco::DirectoryIterator it(directory), end; it != end; ++it)
	{
		if (it->isLink()) continue;
		if (it->isDirectory())
		{
			recordStoreEntries(it->path());
		}
		else if (Poco::endsWith(it.name(), std::string(".entry")))
		{
			Poco::FileInputStream in(it->path());
			std::string bytes;
			Poco::StreamCopier::copyToString(in, bytes);
			recordForScan("store.entry", bytes);
		}
	}
}

}
} // namespace Falcon::Testing
