#include "falcon/oauth2/core/Redactor.h"

#include "falcon/plugin/SecretSpellings.h"

#include <algorithm>

namespace Falcon {
namespace OAuth2 {

namespace {

void replaceAll(std::string& text, const std::string& needle)
{
	std::string::size_type pos = 0;
	while ((pos = text.find(needle, pos)) != std::string::npos)
	{
		text.replace(pos, needle.size(), Redactor::MASK);
		pos += std::char_traits<char>::length(Redactor::MASK);
	}
}

} // namespace

void Redactor::add(std::vector<std::string>& into, const std::string& value)
{
	for (auto& spelling : Plugin::secretSpellings(value))
	{
		if (std::find(into.begin(), into.end(), spelling) == into.end()) into.push_back(std::move(spelling));
	}
}

void Redactor::addSecret(const std::string& value)
{
	if (value.empty()) return;
	std::lock_guard<std::mutex> lock(_mutex);
	add(_secrets, value);
}

void Redactor::addToken(const std::string& value)
{
	if (value.empty()) return;
	std::lock_guard<std::mutex> lock(_mutex);
	for (const auto& known : _tokens)
	{
		if (known.front() == value) return;
	}
	std::vector<std::string> entry{value};
	add(entry, value);
	_tokens.push_back(std::move(entry));
	if (_tokens.size() > TOKEN_MEMORY) _tokens.pop_front();
}

std::string Redactor::redact(const std::string& text) const
{
	std::vector<std::string> needles;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		needles = _secrets;
		for (const auto& token : _tokens) needles.insert(needles.end(), token.begin(), token.end());
	}
	// Longest first, so a secret that contains another is masked whole.
	std::sort(needles.begin(), needles.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
	std::string result = text;
	for (const auto& needle : needles) replaceAll(result, needle);
	return result;
}

}} // namespace Falcon::OAuth2
