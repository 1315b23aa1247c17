#include "SecretMask.h"

#include "falcon/plugin/SecretSpellings.h"

#include <algorithm>
#include <cstring>

namespace Falcon {
namespace Workflow {

std::uint32_t SecretMask::filterBit(const char* prefix)
{
	static_assert(MIN_LENGTH == 4, "the filter hashes four characters");
	std::uint32_t key;
	std::memcpy(&key, prefix, sizeof(key));
	return (key * 2654435761u) >> 16; // 0 .. 65535
}

void SecretMask::insert(const std::string& value)
{
	const auto [it, inserted] = _values.insert(value);
	if (!inserted) return;
	if (value.size() < _shortest.load(std::memory_order_relaxed))
		_shortest.store(value.size(), std::memory_order_release);
	const std::uint32_t bit = filterBit(value.data());
	_prefixFilter[bit / 64] |= std::uint64_t(1) << (bit % 64);
	auto& candidates = _byPrefix[std::string_view(*it).substr(0, MIN_LENGTH)];
	const std::string_view view(*it);
	candidates.insert(std::upper_bound(candidates.begin(), candidates.end(), view,
						  [](std::string_view a, std::string_view b) { return a.size() > b.size(); }),
		view);
}

void SecretMask::add(const std::string& value)
{
	if (value.size() < MIN_LENGTH) return;
	// In every spelling the plugin's redactor knows: a secret in a URL or a form body is masked too.
	// A token's only spelling is itself: taken as it is, without a list of copies.
	if (Plugin::isItsOnlySpelling(value))
	{
		std::lock_guard<std::mutex> lock(_mutex);
		insert(value);
		return;
	}
	const auto spellings = Plugin::secretSpellings(value);
	std::lock_guard<std::mutex> lock(_mutex);
	for (const auto& spelling : spellings) insert(spelling);
}

std::string SecretMask::mask(const std::string& text) const
{
	std::optional<std::string> result = masked(text);
	return result ? std::move(*result) : text;
}

std::optional<std::string> SecretMask::searched(const std::string& text) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	std::string result;
	std::size_t copied = 0; // text before this is in `result` already
	std::size_t i = 0;
	while (i + MIN_LENGTH <= text.size())
	{
		const std::uint32_t bit = filterBit(text.data() + i);
		std::size_t matched = 0;
		if (_prefixFilter[bit / 64] >> (bit % 64) & 1)
		{
			const auto candidates = _byPrefix.find(std::string_view(text).substr(i, MIN_LENGTH));
			if (candidates != _byPrefix.end())
			{
				for (const auto& value : candidates->second)
				{
					if (text.compare(i, value.size(), value.data(), value.size()) == 0)
					{
						matched = value.size();
						break;
					}
				}
			}
		}
		if (matched == 0)
		{
			++i;
			continue;
		}
		result.append(text, copied, i - copied);
		result += "***";
		i += matched;
		copied = i;
	}
	if (copied == 0) return std::nullopt;
	result.append(text, copied, std::string::npos);
	return result;
}

}
} // namespace Falcon::Workflow
