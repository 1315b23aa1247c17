#include "TokenStore.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

namespace Falcon {
namespace Emulator {

namespace {

std::string randomToken()
{
	static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	thread_local std::mt19937_64 random{std::random_device{}()};
	std::string token;
	token.reserve(96);
	for (int word = 0; word < 16; ++word)
	{
		std::uint64_t bits = random();
		for (int i = 0; i < 6; ++i, bits >>= 6) token += ALPHABET[bits & 63];
	}
	return token;
}

/// When the test suite records what it wrote ($FALCON_TEST_RECORD_DIR), every token issued is
/// listed there too, so that the final scan can look for each of them in all output.
void recordIssued(const std::string& token)
{
	static const int file = [] {
		const char* directory = std::getenv("FALCON_TEST_RECORD_DIR");
		return directory ? ::open(
				   (std::string(directory) + "/issued-tokens").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)
						 : -1;
	}();
	if (file < 0) return;
	const std::string line = token + "\n";
	// One write per line with O_APPEND: lines from concurrent emulators never interleave. Best
	// effort: a line lost would only narrow the scan.
	[[maybe_unused]] const ssize_t written = ::write(file, line.data(), line.size());
}

} // namespace

std::string TokenStore::issue(
	const std::string& clientId, const std::string& memberCid, const std::string& cloud, std::chrono::seconds lifetime)
{
	const auto now = Clock::now();
	std::string token = randomToken();
	recordIssued(token);
	std::lock_guard<std::mutex> lock(_mutex);
	if (++_issued % 1024 == 0) purgeExpired(now);
	_tokens[token] = Entry{clientId, memberCid, cloud, now + lifetime, false};
	return token;
}

TokenStore::State TokenStore::check(const std::string& token, const std::string& cloud) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	const auto it = _tokens.find(token);
	if (it == _tokens.end() || it->second.cloud != cloud) return State::Unknown;
	if (it->second.revoked) return State::Revoked;
	if (Clock::now() >= it->second.expiresAt) return State::Expired;
	return State::Valid;
}

bool TokenStore::revoke(const std::string& token)
{
	std::lock_guard<std::mutex> lock(_mutex);
	const auto it = _tokens.find(token);
	if (it == _tokens.end()) return false;
	it->second.revoked = true;
	return true;
}

std::size_t TokenStore::size() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _tokens.size();
}

void TokenStore::purgeExpired(Clock::time_point now)
{
	for (auto it = _tokens.begin(); it != _tokens.end();)
		it = now >= it->second.expiresAt ? _tokens.erase(it) : std::next(it);
}

}
} // namespace Falcon::Emulator
