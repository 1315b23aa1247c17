#pragma once

#include <Poco/Dynamic/Var.h>

#include <mutex>
#include <string>
#include <unordered_set>

namespace Falcon {
namespace Actions {

/// Remembers, by content, the (connection, input) pairs that already passed their schemas, so a
/// host that calls an action a thousand times with the same objects pays for schema validation
/// once. Bounded: when full it starts over.
class CheckedValues
{
public:
	static constexpr std::size_t CAPACITY = 1024;

	/// An exact, unambiguous rendering of a JSON value (types and lengths included).
	static void appendKey(std::string& key, const Poco::Dynamic::Var& value);

	bool passed(const std::string& key) const;
	void remember(const std::string& key);

private:
	mutable std::mutex _mutex;
	std::unordered_set<std::string> _keys;
};

} } // namespace Falcon::Actions
