// What a shared token store hands back: bytes anyone with access to the store could have written.
// Opened as a sealed entry (a forgery must be a miss), and read as the text inside an authentic
// seal (the entry's JSON, which only a holder of the secret could have sealed, must still never
// crash the reader).
#include "falcon/oauth2/store/EntrySeal.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace Falcon::OAuth2;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static const EntrySeal seal("https://api.crowdstrike.com", "fuzzclient0123456789abcdef012345", "", "fuzz-secret");
	const std::string bytes(reinterpret_cast<const char*>(data), size);
	if (seal.open(bytes)) std::abort(); // nothing but the secret's holder can seal an entry
	if (const auto entry = EntrySeal::parse(bytes))
	{
		// Whatever it holds goes back through a real seal unchanged.
		const auto again = seal.open(seal.seal(*entry));
		if (!again || again->accessToken != entry->accessToken || again->baseUrl != entry->baseUrl) std::abort();
	}
	return 0;
}
