#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace Falcon {
namespace Plugin {

/// Small helpers over Poco's JSON values, header-only so that every layer reads values the same
/// way without linking anything.
namespace Json {

/// The object `value` holds, or null when it holds anything else.
inline Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value)
{
	return value.type() == typeid(Poco::JSON::Object::Ptr) ? value.extract<Poco::JSON::Object::Ptr>()
														   : Poco::JSON::Object::Ptr();
}

/// The array `value` holds, or null when it holds anything else.
inline Poco::JSON::Array::Ptr asArray(const Poco::Dynamic::Var& value)
{
	return value.type() == typeid(Poco::JSON::Array::Ptr) ? value.extract<Poco::JSON::Array::Ptr>()
														  : Poco::JSON::Array::Ptr();
}

/// The member `name` of `object` as the object stores it, or null when it has none. Object::get
/// returns a copy of the value: of a string's whole text (a token's kilobyte) every time.
inline const Poco::Dynamic::Var* memberOf(const Poco::JSON::Object& object, const std::string& name)
{
	for (const auto& entry : object)
	{
		if (entry.first == name) return &entry.second;
	}
	return nullptr;
}

/// The same member, to change where it is stored (Poco's own iterator allows it): replacing a
/// value this way costs no map search, no copy of the key and no second copy of the value.
inline Poco::Dynamic::Var* memberOf(Poco::JSON::Object& object, const std::string& name)
{
	// The object is not const, so neither is its member: one search, shared with the const form.
	return const_cast<Poco::Dynamic::Var*>(memberOf(static_cast<const Poco::JSON::Object&>(object), name));
}

/// Sets member `name` of `object` to `value`, moved in. Object::set copies the value it is given
/// twice (into a pair, then the pair into the map): a new holder each time and, for a string, its
/// whole text. Here the member is set empty, which copies nothing, and the value swapped into it.
inline void put(Poco::JSON::Object& object, const std::string& name, Poco::Dynamic::Var value)
{
	object.set(name, Poco::Dynamic::Var());
	for (auto& entry : object)
	{
		if (entry.first == name)
		{
			entry.second.swap(value);
			return;
		}
	}
}

/// A copy that shares no object or array with `value` (Poco's objects are shared pointers: a
/// copy made with `=` changes along with the original). Key order is kept.
inline Poco::Dynamic::Var deepCopy(const Poco::Dynamic::Var& value)
{
	if (const auto object = asObject(value))
	{
		// Copied whole (one copy of each member, its order and settings kept), then what is shared
		// (objects and arrays inside) replaced by copies of its own.
		Poco::JSON::Object::Ptr copy = new Poco::JSON::Object(*object);
		for (const auto& entry : *object)
		{
			if (asObject(entry.second) || asArray(entry.second)) put(*copy, entry.first, deepCopy(entry.second));
		}
		return copy;
	}
	if (const auto array = asArray(value))
	{
		Poco::JSON::Array::Ptr copy = new Poco::JSON::Array;
		for (const auto& element : *array) copy->add(deepCopy(element));
		return copy;
	}
	return value;
}

/// `json` (valid JSON text) without the whitespace between its tokens: the same value on one
/// line, whatever the layout it was written in.
inline std::string compact(const std::string& json)
{
	std::string out;
	out.reserve(json.size());
	bool inString = false;
	bool escaped = false;
	for (const char c : json)
	{
		if (inString)
		{
			inString = escaped || c != '"';
			escaped = !escaped && c == '\\';
		}
		else if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
		{
			continue;
		}
		else
		{
			inString = c == '"';
		}
		out += c;
	}
	return out;
}

} // namespace Json

}
} // namespace Falcon::Plugin
