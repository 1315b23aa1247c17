#pragma once

#include "falcon/plugin/Export.h"

#include <Poco/JSON/Object.h>

#include <map>
#include <string>

namespace Falcon {
namespace Plugin {

/// The other spellings a schema accepts for an enum's values, so that hosts and the module
/// settle a value the same way before checking it. A property that carries "x-aliases"
/// ({"us1": "us-1", ...}) matches its enum values and those aliases case-insensitively, with
/// dashes and underscores ignored: "US2", "us2" and "us_2" all become "us-2". Anything else
/// is left for the schema to refuse, naming the values it lists.
class FALCON_PLUGIN_EXPORT EnumSpellings
{
public:
	/// Reads the top-level properties of an object schema.
	explicit EnumSpellings(const Poco::JSON::Object::Ptr& schema);

	/// `object` with every loosely spelled value replaced by its canonical one: a copy when
	/// something changed, `object` itself otherwise (it is never modified).
	Poco::JSON::Object::Ptr canonical(const Poco::JSON::Object::Ptr& object) const;

	/// The folded form two spellings are compared in.
	static std::string fold(const std::string& spelling);

private:
	/// property -> folded spelling -> canonical value
	std::map<std::string, std::map<std::string, std::string>> _spellings;
};

}
} // namespace Falcon::Plugin
