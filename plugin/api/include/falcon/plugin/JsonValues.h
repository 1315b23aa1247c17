#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace Falcon {
namespace Plugin {

/// Small helpers over Poco's JSON values, header-only so that every layer reads values the same
/// way without linking anything.
namespace Json {

/// The object `value` holds, or null when it holds anything else.
inline Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value)
{
	return value.type() == typeid(Poco::JSON::Object::Ptr) ? value.extract<Poco::JSON::Object::Ptr>() : Poco::JSON::Object::Ptr();
}

/// The array `value` holds, or null when it holds anything else.
inline Poco::JSON::Array::Ptr asArray(const Poco::Dynamic::Var& value)
{
	return value.type() == typeid(Poco::JSON::Array::Ptr) ? value.extract<Poco::JSON::Array::Ptr>() : Poco::JSON::Array::Ptr();
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
			if (asObject(entry.second) || asArray(entry.second)) copy->set(entry.first, deepCopy(entry.second));
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

} // namespace Json

}} // namespace Falcon::Plugin
