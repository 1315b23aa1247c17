#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace Falcon {
namespace Workflow {

/// The secret values a run has met (connection secrets, secret inputs and env, x-secret
/// outputs such as access tokens, and anything computed from them). Everything the run prints
/// or logs passes through `mask`, which shows each of them as ***.
class SecretMask
{
public:
	void add(const std::string& value);
	std::string mask(const std::string& text) const;
	/// `text` masked, or nothing when it holds no secret (no copy made for the common case).
	std::optional<std::string> masked(const std::string& text) const
	{
		// Most texts are shorter than every secret: passed over here, without a call or the lock.
		if (text.size() < _shortest.load(std::memory_order_acquire)) return std::nullopt;
		return searched(text);
	}

	/// Values shorter than this are not taken: they would mask ordinary text and hide nothing.
	static constexpr std::size_t MIN_LENGTH = 4;

private:
	void insert(const std::string& value);
	std::optional<std::string> searched(const std::string& text) const;

	/// The values, and each value's first MIN_LENGTH characters pointing at it (views into the
	/// set, whose nodes never move), so that masking costs one lookup per character of text
	/// however many secrets a long run has met.
	mutable std::mutex _mutex;
	std::set<std::string> _values;
	std::unordered_map<std::string_view, std::vector<std::string_view>> _byPrefix; ///< longest first
	/// Texts shorter than this hold no secret (all of them while there is none): read without the
	/// lock, so that most of a record's strings are passed over at the cost of one comparison.
	std::atomic<std::size_t> _shortest{std::numeric_limits<std::size_t>::max()};
	/// One bit per hashed prefix: a position whose bit is clear starts no secret, and costs one
	/// multiplication instead of a map lookup.
	std::vector<std::uint64_t> _prefixFilter = std::vector<std::uint64_t>(1024);
	static std::uint32_t filterBit(const char* prefix);
};

}
} // namespace Falcon::Workflow
