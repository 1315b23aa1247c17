// For builds without libFuzzer: runs the fuzz target over the given files and directories (the
// seed corpora and every input that once crashed), so each stays a regression test.
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void replay(const std::string& path, unsigned& count)
{
	if (Poco::File(path).isDirectory())
	{
		for (Poco::DirectoryIterator it(path), end; it != end; ++it) replay(it->path(), count);
		return;
	}
	Poco::FileInputStream in(path);
	std::string bytes;
	Poco::StreamCopier::copyToString(in, bytes);
	LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
	++count;
}

} // namespace

int main(int argc, char** argv)
{
	unsigned count = 0;
	for (int i = 1; i < argc; ++i) replay(argv[i], count);
	std::cout << "replayed " << count << " input(s) without a failure\n";
	return count > 0 ? 0 : 1;
}
