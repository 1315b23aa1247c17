# cmake -DOUTPUT=file.cpp -DSCHEMA_DIR=dir -P EmbedSchemas.cmake
# Writes a C++ source holding every *.json file of SCHEMA_DIR as a raw string, so the module
# carries the very files of schema/ (a test compares the two).
file(GLOB schemas RELATIVE ${SCHEMA_DIR} ${SCHEMA_DIR}/*.json)
list(SORT schemas)
set(content "// Generated from schema/ by cmake/EmbedSchemas.cmake. Do not edit.\n")
string(APPEND content "#include \"EmbeddedSchemas.h\"\n\nnamespace Falcon {\nnamespace Actions {\n\n")
string(APPEND content "const std::map<std::string, std::string>& embeddedSchemas()\n{\n\tstatic const std::map<std::string, std::string> schemas{\n")
foreach(schema ${schemas})
  file(READ ${SCHEMA_DIR}/${schema} text)
  string(APPEND content "\t\t{\"${schema}\", R\"falcon_schema(${text})falcon_schema\"},\n")
endforeach()
string(APPEND content "\t};\n\treturn schemas;\n}\n\n} } // namespace Falcon::Actions\n")
file(WRITE ${OUTPUT}.tmp "${content}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUTPUT}.tmp ${OUTPUT})
file(REMOVE ${OUTPUT}.tmp)
