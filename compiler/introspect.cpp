// Catalog queries into the schema model. Each query reads one kind of object for every table at
// once: the number of round trips does not grow with the schema.
#include "compiler/introspect.hpp"
#include "compiler/postgres_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "compiler/operations.hpp"
#include "compiler/render_sql.hpp"
#include "compiler/sql_parser.hpp"
#include "dsl/grammar.hpp"
#include "postgres/catalog.hpp"
#include "postgres/history_tables.hpp"
#include "postgres/scratch_schema.hpp"
#include "postgres/sql_text.hpp"

namespace migc {
namespace {

// PostgreSQL prints `label in ('a', 'b')` of a varchar column as `(label)::text = ANY
// ((ARRAY['a'::character varying, 'b'::character varying])::text[])`, which it reads back as
// another expression (`ARRAY[('a'::character varying)::text, ...]`): a database made from the
// printed text would differ from the one read. The list is written back as the `in` it was.
std::string varchar_lists_as_in(const std::string& sql) {
  if (sql.find("::character varying])::text[])") == std::string::npos) return sql;
  static const std::regex list(
      R"re(\(((?:[A-Za-z_][A-Za-z0-9_$]*\.)?(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"))\)::text (=|<>) (?:ANY|ALL) \(\(ARRAY\[((?:'(?:[^']|'')*'::character varying, )*'(?:[^']|'')*'::character varying)\]\)::text\[\]\))re");
  static const std::regex typed("'((?:[^']|'')*)'::character varying");
  std::string out;
  auto from = sql.cbegin();
  for (std::sregex_iterator it(sql.begin(), sql.end(), list), end; it != end; ++it) {
    const std::smatch& match = *it;
    out.append(from, match[0].first);
    const std::string items = std::regex_replace(match[3].str(), typed, "'$1'");
    out += match[1].str() + (match[2] == "=" ? " IN (" : " NOT IN (") + items + ")";
    from = match[0].second;
  }
  out.append(from, sql.cend());
  return out;
}


// $1: the one schema to read, or NULL for every user schema. Objects owned by an extension are
// the extension's: `create extension` brings them back.
constexpr std::string_view user_objects = R"sql(
WITH user_namespace AS (
  SELECT n.oid, n.nspname FROM pg_namespace n
  WHERE CASE WHEN $1::text IS NULL
             THEN n.nspname NOT IN ('pg_catalog', 'information_schema', 'migc_check', 'migc_scratch')
                  AND n.nspname NOT LIKE 'pg\_%'
             ELSE n.nspname = $1::text END
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
), user_class AS (
  SELECT c.oid, c.relname, c.relkind, c.relispartition, c.relacl, c.relrowsecurity, c.relforcerowsecurity, c.relpersistence,
         c.reloptions, n.nspname
  FROM pg_class c JOIN user_namespace n ON n.oid = c.relnamespace
  WHERE )sql" MIGC_NOT_HISTORY_RELATION_SQL R"sql(
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    -- An extension's composite type is its member by its pg_type row.
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = c.reltype AND d.deptype = 'e')
), user_table AS (
  SELECT * FROM user_class WHERE relkind IN ('r', 'p')
)
)sql";

constexpr std::string_view schemas_sql = "SELECT nspname FROM user_namespace WHERE nspname <> 'public' ORDER BY 1";

constexpr std::string_view extensions_sql = "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1";

constexpr std::string_view enums_sql = R"sql(
SELECT n.nspname, t.typname, e.enumlabel
FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY n.nspname, t.typname, e.enumsortorder
)sql";

// A domain's type, like a column's: its printed name, and the element type's kind and name.
constexpr std::string_view domains_sql = R"sql(
SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, pg_get_expr(t.typdefaultbin, 0),
       et.typtype, etn.nspname, et.typname, coll.nspname, coll.collname
FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace
JOIN pg_type b ON b.oid = t.typbasetype
JOIN pg_type et ON et.oid = CASE WHEN b.typcategory = 'A' AND b.typtype <> 'd' THEN b.typelem ELSE b.oid END
JOIN pg_namespace etn ON etn.oid = et.typnamespace
-- A collation other than its base type's.
LEFT JOIN LATERAL (
  SELECT cn.nspname, co.collname FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
  WHERE co.oid = t.typcollation AND t.typcollation <> 0 AND t.typcollation <> b.typcollation) coll ON true
WHERE t.typtype = 'd'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2
)sql";

constexpr std::string_view domain_constraints_sql = R"sql(
SELECT n.nspname, t.typname, co.conname, pg_get_constraintdef(co.oid), co.convalidated
FROM pg_constraint co JOIN pg_type t ON t.oid = co.contypid JOIN user_namespace n ON n.oid = t.typnamespace
WHERE co.contype = 'c'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3
)sql";

constexpr std::string_view composites_sql = "SELECT nspname, relname FROM user_class WHERE relkind = 'c' ORDER BY 1, 2";

constexpr std::string_view attributes_sql = R"sql(
SELECT c.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), et.typtype, etn.nspname, et.typname
FROM user_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typtype <> 'd' THEN t.typelem ELSE t.oid END
JOIN pg_namespace etn ON etn.oid = et.typnamespace
WHERE c.relkind = 'c'
ORDER BY c.nspname, c.relname, a.attnum
)sql";

// Every sequence: those behind serial and identity columns are taken out again once the
// columns that own them are read.
constexpr std::string_view sequences_sql = R"sql(
SELECT c.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqincrement, s.seqstart, s.seqmin, s.seqmax, s.seqcache,
       s.seqcycle, COALESCE(o.relname, ''), COALESCE(a.attname, '')
FROM pg_sequence s JOIN user_class c ON c.oid = s.seqrelid
  -- OWNED BY: a column of a table in the sequence's schema.
  LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a'
                       AND d.refclassid = 'pg_class'::regclass
  LEFT JOIN pg_class o ON o.oid = d.refobjid
  LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
ORDER BY 1, 2
)sql";

constexpr std::string_view tables_sql = R"sql(
SELECT oid, nspname, relname, obj_description(oid, 'pg_class'), relkind, relispartition, relrowsecurity, relforcerowsecurity,
       relpersistence = 'u'
FROM user_table ORDER BY 2, 3
)sql";

constexpr std::string_view columns_sql = R"sql(
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid),
       a.attidentity, col_description(a.attrelid, a.attnum), et.typtype, etn.nspname, et.typname, seq.nspname,
       seq.relname, a.attgenerated, coll.nspname, coll.collname
FROM pg_attribute a
JOIN user_table ut ON ut.oid = a.attrelid
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typtype <> 'd' THEN t.typelem ELSE t.oid END
JOIN pg_namespace etn ON etn.oid = et.typnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN LATERAL (
  SELECT sn.nspname, s.relname FROM pg_depend dep
  JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
  WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid = a.attrelid
    AND dep.refobjsubid = a.attnum AND dep.deptype IN ('a', 'i')
  LIMIT 1) seq ON true
-- A collation other than the type's own.
LEFT JOIN LATERAL (
  SELECT cn.nspname, co.collname FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
  WHERE co.oid = a.attcollation AND a.attcollation <> 0 AND a.attcollation <> t.typcollation) coll ON true
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
)sql";

// Column lists are joined with U+001F, a control character no real identifier holds.
constexpr std::string_view constraints_sql = R"sql(
SELECT co.conrelid, co.conname, co.contype,
       (SELECT string_agg(a.attname, chr(31) ORDER BY k.i) FROM unnest(co.conkey) WITH ORDINALITY k(num, i)
          JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.num),
       rn.nspname, rc.relname,
       (SELECT string_agg(a.attname, chr(31) ORDER BY k.i) FROM unnest(co.confkey) WITH ORDINALITY k(num, i)
          JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.num),
       co.confdeltype, co.confupdtype, co.convalidated, pg_get_constraintdef(co.oid),
       rc.oid IS NULL OR EXISTS (SELECT 1 FROM user_table r WHERE r.oid = rc.oid),
       co.condeferrable, co.confmatchtype, co.condeferred,
       (SELECT to_jsonb(ix) ->> 'indnullsnotdistinct' FROM pg_index ix WHERE ix.indexrelid = co.conindid),
       co.contype IN ('p', 'u') AND (SELECT ix.indnkeyatts < ix.indnatts FROM pg_index ix WHERE ix.indexrelid = co.conindid),
       (SELECT string_agg(a.attname, chr(31) ORDER BY k.i)
          FROM jsonb_array_elements_text(coalesce(nullif(to_jsonb(co) -> 'confdelsetcols', 'null'), '[]')) WITH ORDINALITY k(num, i)
          JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.num::smallint)
FROM pg_constraint co
JOIN user_table ut ON ut.oid = co.conrelid
LEFT JOIN pg_class rc ON rc.oid = co.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
ORDER BY co.conrelid, CASE co.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'c' THEN 2 ELSE 3 END, co.conname
)sql";

// Indexes of their own: not those behind primary key, unique and exclusion constraints.
// indnullsnotdistinct is read through to_jsonb(), which leaves it NULL before PostgreSQL 15.
constexpr std::string_view indexes_sql = R"sql(
SELECT i.indexrelid, i.indrelid, ic.relname, i.indisunique, am.amname, pg_get_expr(i.indpred, i.indrelid),
       i.indnkeyatts < i.indnatts, k.i, k.num, COALESCE(a.attname, ''), pg_get_indexdef(i.indexrelid, k.i::int, true),
       (i.indoption[k.i - 1] & 1) = 1, (i.indoption[k.i - 1] & 2) = 2,
       NOT (SELECT opc.opcdefault FROM pg_opclass opc WHERE opc.oid = i.indclass[k.i - 1])
       OR i.indcollation[k.i - 1] <> COALESCE(a.attcollation, i.indcollation[k.i - 1]),
       (SELECT string_agg(ia.attname, chr(31) ORDER BY ik.i) FROM unnest(i.indkey::int2[]) WITH ORDINALITY ik(num, i)
          JOIN pg_attribute ia ON ia.attrelid = i.indrelid AND ia.attnum = ik.num WHERE ik.i > i.indnkeyatts),
       (SELECT to_jsonb(ix) ->> 'indnullsnotdistinct' FROM pg_index ix WHERE ix.indexrelid = i.indexrelid),
       (SELECT opc.opcname FROM pg_opclass opc WHERE opc.oid = i.indclass[k.i - 1]),
       (SELECT CASE WHEN opc.opcdefault THEN 'default' WHEN opn.nspname IN ('pg_catalog', 'public') THEN 'named' ELSE 'elsewhere' END
          FROM pg_opclass opc
          JOIN pg_namespace opn ON opn.oid = opc.opcnamespace WHERE opc.oid = i.indclass[k.i - 1]),
       i.indcollation[k.i - 1] <> COALESCE(a.attcollation, ty.typcollation, i.indcollation[k.i - 1]),
       (SELECT cn.nspname FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = i.indcollation[k.i - 1]),
       (SELECT co.collname FROM pg_collation co WHERE co.oid = i.indcollation[k.i - 1]),
       ut.nspname, ut.relname
FROM pg_index i
JOIN user_class ut ON ut.oid = i.indrelid AND ut.relkind IN ('r', 'p', 'm')
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(num, i)
LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num AND k.num <> 0
LEFT JOIN pg_attribute ka ON ka.attrelid = i.indexrelid AND ka.attnum = k.i
LEFT JOIN pg_type ty ON ty.oid = ka.atttypid
WHERE k.i <= i.indnkeyatts
  AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid
                                                  AND co.contype IN ('p', 'u', 'x'))
ORDER BY ic.relname, k.i
)sql";

// Views and materialized views, their columns, and the relations and columns each one's query
// depends on (through its rewrite rule).
constexpr std::string_view views_sql = R"sql(
SELECT c.oid, c.nspname, c.relname, c.relkind = 'm', pg_get_viewdef(c.oid), pg_class.relispopulated,
       array_to_string(pg_class.reloptions, E'\n')
FROM user_class c JOIN pg_class ON pg_class.oid = c.oid WHERE c.relkind IN ('v', 'm') ORDER BY 2, 3
)sql";

constexpr std::string_view view_columns_sql = R"sql(
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(ad.adbin, ad.adrelid)
FROM pg_attribute a JOIN user_class c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE c.relkind IN ('v', 'm') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum
)sql";

constexpr std::string_view view_dependencies_sql = R"sql(
SELECT DISTINCT v.oid, rn.nspname, r.relname, COALESCE(a.attname, '')
FROM user_class v JOIN pg_rewrite rw ON rw.ev_class = v.oid
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
                AND d.refobjid <> v.oid
JOIN pg_class r ON r.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = r.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
WHERE v.relkind IN ('v', 'm')
ORDER BY 1, 2, 3, 4
)sql";

// Functions and procedures, their definitions after their names (`(a integer) RETURNS ...`),
// and their argument types as the compiler keys them.
constexpr std::string_view routines_sql = R"sql(
SELECT n.nspname, p.proname, p.prokind = 'p',
       rtrim(substr(def, length(format('CREATE OR REPLACE %s %I.%I', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                                       n.nspname, p.proname)) + 1), E' \n'),
       COALESCE((SELECT string_agg(format_type(a.t, NULL), ', ' ORDER BY a.i) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, i)), ''),
       CASE WHEN p.prokind = 'p' THEN '' ELSE CASE WHEN p.proretset THEN 'SETOF ' ELSE '' END || format_type(p.prorettype, NULL) END,
       EXISTS (SELECT 1 FROM pg_class rc WHERE rc.reltype = ANY (p.proargtypes::oid[] || p.prorettype) AND rc.relkind IN ('r', 'p', 'v', 'm')),
       EXISTS (SELECT 1 FROM pg_class rc WHERE rc.reltype = ANY (p.proargtypes::oid[] || p.prorettype) AND rc.relkind IN ('v', 'm'))
FROM pg_proc p JOIN user_namespace n ON n.oid = p.pronamespace, LATERAL (SELECT pg_get_functiondef(p.oid) AS def) f
WHERE p.prokind IN ('f', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'))
ORDER BY 1, 2, 5
)sql";

// Who may do what with the tables, views, sequences and routines besides their owners, for those
// whose privileges are not their kind's default: the kind (as `grant ... on` names it), schema,
// name, a routine's argument types as the compiler keys them, then a role ('public' for every
// role), a privilege and whether with grant option; those three NULL for an object whose
// non-default privileges are its owner's only.
constexpr std::string_view privileges_sql = R"sql(
SELECT o.kind, o.nspname, o.name, o.arguments,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END, a.privilege_type, a.is_grantable
FROM (SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END AS kind, c.nspname, c.relname AS name, '' AS arguments,
             c.relacl AS acl, r.relowner AS owner
        FROM user_class c JOIN pg_class r ON r.oid = c.oid WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relacl IS NOT NULL
      UNION ALL
      SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.nspname, p.proname,
             COALESCE((SELECT string_agg(format_type(t.t, NULL), ', ' ORDER BY t.i) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY t(t, i)), ''),
             p.proacl, p.proowner
        FROM pg_proc p JOIN user_namespace n ON n.oid = p.pronamespace
        WHERE p.prokind IN ('f', 'p') AND p.proacl IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'))
      UNION ALL
      SELECT 'schema', '', s.nspname, '', s.nspacl, s.nspowner
        FROM pg_namespace s JOIN user_namespace u ON u.oid = s.oid WHERE s.nspacl IS NOT NULL AND s.nspname <> 'public'
      UNION ALL
      SELECT 'type', n.nspname, t.typname, '', t.typacl, t.typowner
        FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace WHERE t.typacl IS NOT NULL
      UNION ALL
      -- A table's column: its name where a routine's arguments go.
      SELECT 'column', c.nspname, c.relname, a.attname, a.attacl, r.relowner
        FROM user_class c JOIN pg_class r ON r.oid = c.oid JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
     ) o
     LEFT JOIN LATERAL (SELECT * FROM aclexplode(o.acl) x WHERE x.grantee <> o.owner) a ON true
ORDER BY 1, 2, 3, 4, 5, 6
)sql";

// Comments on what is not a table or a column (those are read with them): the kind of object as
// `comment on` names it, its schema and name, the member (a trigger's, policy's or constraint's
// name, a routine's identity arguments), the comment.
constexpr std::string_view comments_sql = R"sql(
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' ELSE 'sequence' END,
       c.nspname, c.relname, '', obj_description(c.oid, 'pg_class')
  FROM user_class c WHERE c.relkind IN ('v', 'm', 'i', 'S') AND obj_description(c.oid, 'pg_class') IS NOT NULL
UNION ALL
SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, n.nspname, t.typname, '', d.description
  FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace
  JOIN pg_description d ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid AND d.objsubid = 0
  WHERE t.typtype IN ('e', 'c', 'd')
    AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid AND x.deptype = 'e')
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.nspname, p.proname,
       COALESCE((SELECT string_agg(format_type(a.t, NULL), ', ' ORDER BY a.i) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, i)), ''),
       d.description
  FROM pg_proc p JOIN user_namespace n ON n.oid = p.pronamespace
  JOIN pg_description d ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
  WHERE p.prokind IN ('f', 'p')
    AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_proc'::regclass AND x.objid = p.oid AND x.deptype IN ('e', 'i'))
UNION ALL
SELECT 'trigger', ut.nspname, ut.relname, t.tgname, d.description
  FROM pg_trigger t JOIN user_table ut ON ut.oid = t.tgrelid
  JOIN pg_description d ON d.classoid = 'pg_trigger'::regclass AND d.objoid = t.oid
UNION ALL
SELECT 'policy', ut.nspname, ut.relname, p.polname, d.description
  FROM pg_policy p JOIN user_table ut ON ut.oid = p.polrelid
  JOIN pg_description d ON d.classoid = 'pg_policy'::regclass AND d.objoid = p.oid
UNION ALL
SELECT 'constraint', ut.nspname, ut.relname, co.conname, d.description
  FROM pg_constraint co JOIN user_table ut ON ut.oid = co.conrelid
  JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = co.oid
UNION ALL
SELECT 'column', c.nspname, c.relname, a.attname, d.description
  FROM user_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = a.attnum
  WHERE c.relkind IN ('v', 'm')
ORDER BY 1, 2, 3, 4
)sql";

// Triggers on tables, each as PostgreSQL prints it after its name.
constexpr std::string_view triggers_sql = R"sql(
SELECT ut.nspname, ut.relname, t.tgname,
       substr(pg_get_triggerdef(t.oid), length(format('CREATE TRIGGER %I ', t.tgname)) + 1), t.tgenabled
FROM pg_trigger t JOIN user_table ut ON ut.oid = t.tgrelid WHERE NOT t.tgisinternal AND NOT t.tgisinternal
ORDER BY 1, 2, 3
)sql";

// Policies, each as the language writes it after its table's name.
constexpr std::string_view policies_sql = R"sql(
SELECT ut.nspname, ut.relname, p.polname,
       concat_ws(' ', CASE WHEN NOT p.polpermissive THEN 'as restrictive' END,
                 CASE p.polcmd WHEN 'r' THEN 'for select' WHEN 'a' THEN 'for insert' WHEN 'w' THEN 'for update'
                               WHEN 'd' THEN 'for delete' END,
                 'to ' || (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(r)) END, ', ')
                             FROM unnest(p.polroles) r),
                 'using (' || pg_get_expr(p.polqual, p.polrelid) || ')',
                 'with check (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')')
FROM pg_policy p JOIN user_table ut ON ut.oid = p.polrelid
ORDER BY 1, 2, 3
)sql";

// What the language cannot say yet, named for the user.
constexpr std::string_view left_out_sql = R"sql(
SELECT format('foreign table %I.%I', nspname, relname)
  FROM user_class WHERE relkind = 'f'
UNION ALL
SELECT format('trigger %I on %I.%I', t.tgname, c.nspname, c.relname)
  FROM pg_trigger t JOIN user_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND c.relkind NOT IN ('r', 'p')
UNION ALL
SELECT format('%s trigger %I on %I.%I', CASE t.tgenabled WHEN 'R' THEN 'replica' ELSE 'always' END, t.tgname, ut.nspname, ut.relname)
  FROM pg_trigger t JOIN user_table ut ON ut.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgenabled IN ('R', 'A')
UNION ALL
SELECT format('disabled foreign key triggers of %I.%I (disable trigger all)', ut.nspname, ut.relname)
  FROM pg_trigger t JOIN user_table ut ON ut.oid = t.tgrelid WHERE t.tgisinternal AND t.tgenabled = 'D'
  GROUP BY ut.nspname, ut.relname
UNION ALL
SELECT format('range type %I.%I', n.nspname, t.typname)
  FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace
  WHERE t.typtype = 'r'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
UNION ALL
SELECT format('exclusion constraint %I on %I.%I', co.conname, ut.nspname, ut.relname)
  FROM pg_constraint co JOIN user_table ut ON ut.oid = co.conrelid WHERE co.contype = 'x'
UNION ALL
SELECT format('inheritance of table %I.%I', ut.nspname, ut.relname)
  FROM pg_inherits i JOIN user_table ut ON ut.oid = i.inhrelid WHERE NOT ut.relispartition
UNION ALL
-- Those on tables, views, sequences and routines are read (privileges_sql), but not the owner's own.
SELECT format('privileges (GRANT) on %I.%I', nspname, relname) FROM user_class
  WHERE relacl IS NOT NULL AND relkind NOT IN ('r', 'p', 'v', 'm', 'S')
UNION ALL
SELECT format('privileges of the owner on %I.%I (its own revoked)', c.nspname, c.relname) FROM user_class c
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relacl IS NOT NULL
    AND EXISTS (SELECT 1 FROM pg_class r, aclexplode(acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", r.relowner)) x
                WHERE r.oid = c.oid AND (x.grantee, x.privilege_type) NOT IN (SELECT y.grantee, y.privilege_type FROM aclexplode(c.relacl) y))
UNION ALL
SELECT format('privileges of the owner on schema %I (its own revoked)', s.nspname)
  FROM pg_namespace s JOIN user_namespace u ON u.oid = s.oid
  WHERE s.nspacl IS NOT NULL AND s.nspname <> 'public'
    AND EXISTS (SELECT 1 FROM aclexplode(acldefault('n', s.nspowner)) x
                WHERE (x.grantee, x.privilege_type) NOT IN (SELECT y.grantee, y.privilege_type FROM aclexplode(s.nspacl) y))
UNION ALL
SELECT format('privileges of the owner on type %I.%I (its own revoked)', n.nspname, t.typname)
  FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace
  WHERE t.typacl IS NOT NULL
    AND EXISTS (SELECT 1 FROM aclexplode(acldefault('T', t.typowner)) x
                WHERE x.grantee = t.typowner AND (x.grantee, x.privilege_type) NOT IN (SELECT y.grantee, y.privilege_type FROM aclexplode(t.typacl) y))
UNION ALL
SELECT format('column privileges (GRANT ... (column)) on %I.%I', c.nspname, c.relname) FROM user_class c
  WHERE c.relkind NOT IN ('r', 'p') AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.attacl IS NOT NULL)
UNION ALL
-- An unlogged table's own sequences are unlogged with it.
SELECT format('unlogged sequence %I.%I', c.nspname, c.relname)
  FROM user_class c WHERE c.relpersistence = 'u' AND c.relkind = 'S'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND t.relpersistence = 'u')
UNION ALL
SELECT format('storage parameters of %I.%I (%s)', nspname, relname, array_to_string(reloptions, ', '))
  FROM user_class WHERE reloptions IS NOT NULL AND relkind <> 'v'  -- a view's: read with it
ORDER BY 1
)sql";

std::vector<std::string> split_names(std::string_view joined) {
  std::vector<std::string> names;
  std::size_t begin = 0;
  for (std::size_t at; (at = joined.find('\x1f', begin)) != std::string_view::npos; begin = at + 1) {
    names.emplace_back(joined.substr(begin, at - begin));
  }
  names.emplace_back(joined.substr(begin));
  return names;
}

ReferentialAction action_of(char code) {
  switch (code) {
    case 'r': return ReferentialAction::restrict;
    case 'c': return ReferentialAction::cascade;
    case 'n': return ReferentialAction::set_null;
    case 'd': return ReferentialAction::set_default;
    default: return ReferentialAction::no_action;
  }
}

// "character varying(20)[]" -> character varying, {20}, one dimension; format_type() puts a
// time type's precision before its zone: "timestamp(3) with time zone".
ColumnType parse_builtin_type(std::string text) {
  ColumnType type;
  while (text.ends_with("[]")) {
    text.resize(text.size() - 2);
    ++type.array_dimensions;
  }
  const auto open = text.find('(');
  const auto close = text.find(')', open);
  if (open != std::string::npos && close != std::string::npos) {
    std::string_view list(text.data() + open + 1, close - open - 1);
    for (std::size_t begin = 0; begin <= list.size();) {
      const auto comma = std::min(list.find(',', begin), list.size());
      type.modifiers.push_back(std::stoi(std::string(list.substr(begin, comma - begin))));
      begin = comma + 1;
    }
    text = text.substr(0, open) + text.substr(close + 1);
  }
  type.name.name = text;
  return type;
}

// `'light'::character varying` on a varchar column: PostgreSQL prints the cast it added to a
// literal, and would add it again to the bare literal, which reads better in a revision.
std::string without_own_cast(const std::string& sql, const std::string& column_type) {
  if (sql.empty() || sql[0] != '\'') return sql;
  std::size_t at = 1;
  while (at < sql.size()) {
    if (sql[at] == '\'' && at + 1 < sql.size() && sql[at + 1] == '\'') {
      at += 2;
    } else if (sql[at] == '\'') {
      break;
    } else {
      ++at;
    }
  }
  if (at >= sql.size() || sql.compare(at + 1, std::string::npos, "::" + column_type) != 0) return sql;
  return sql.substr(0, at + 1);
}

// SQL read back from the catalog, made a valid expression of the language.
std::string as_expression(std::string sql) {
  return is_expression(sql) ? sql : "(" + sql + ")";
}

class Reader {
 public:
  Reader(Connection& connection, const std::optional<std::string>& only_schema)
      : connection_(connection), only_schema_(only_schema) {}

  Introspected run() {
    without_jit(connection_);
    if (!only_schema_) {
      for (const auto& row : rows(schemas_sql)) apply_operation(op::CreateSchema{row[0], Origin{}}, result_.schema);
    }
    for (const auto& row : rows(extensions_sql, false)) apply_operation(op::CreateExtension{Extension{row[0], {}}}, result_.schema);
    std::map<QualifiedName, EnumType> enums;
    for (const auto& row : rows(enums_sql)) {
      EnumType& type = enums[name_in(row[0], row[1])];
      type.name = name_in(row[0], row[1]);
      type.values.push_back(row[2]);
    }
    for (auto& [_, type] : enums) apply_operation(op::CreateEnum{std::move(type)}, result_.schema);
    read_user_types();
    for (const auto& row : rows(sequences_sql)) {
      Sequence sequence;
      sequence.name = name_in(row[0], row[1]);
      sequence.type = row[2];
      sequence.increment = std::stoll(row[3]);
      sequence.start = std::stoll(row[4]);
      sequence.min = std::stoll(row[5]);
      sequence.max = std::stoll(row[6]);
      sequence.cache = std::stoll(row[7]);
      sequence.cycle = row[8] == "t";
      if (!row[9].empty()) sequence.owner = SequenceOwner{name_in(row[0], row[9]), row[10]};
      sequences_.emplace(sequence.name, sequence);
    }
    read_tables();
    // A sequence behind a serial or identity column comes back with the column.
    for (const auto& [_, table] : result_.schema.tables()) {
      for (const auto& column : table.columns) {
        if (column.owned_sequence) sequences_.erase(*column.owned_sequence);
      }
    }
    for (const auto& [name, sequence] : sequences_) {
      apply_operation(op::CreateSequence{sequence}, result_.schema);
    }
    read_views();
    read_indexes();
    read_routines_and_triggers();
    read_comments();
    read_privileges();
    for (const auto& row : rows(left_out_sql)) result_.left_out.push_back(row[0]);
    return std::move(result_);
  }

 private:
  using Row = std::vector<std::string>;  // NULL reads as empty: no column below tells them apart

  std::vector<Row> rows(std::string_view query, bool in_user_objects = true) {
    const std::string sql = in_user_objects ? std::string(user_objects) + std::string(query) : std::string(query);
    const Result result = in_user_objects ? connection_.execute(sql, {only_schema_}) : connection_.execute(sql);
    std::vector<Row> out(static_cast<std::size_t>(result.rows()));
    for (int row = 0; row < result.rows(); ++row) {
      for (int column = 0; column < result.columns(); ++column) out[static_cast<std::size_t>(row)].emplace_back(result.value(row, column));
    }
    return out;
  }

  // The compiler's names: `public` objects in the default schema, the others in theirs.
  QualifiedName name_in(const std::string& schema, const std::string& name) const {
    return {only_schema_ || schema == "public" ? std::string() : schema, name};
  }

  void left_out(std::string what) { result_.left_out.push_back(std::move(what)); }

  // Each view as PostgreSQL prints its query, made after those it reads.
  void read_views() {
    std::map<std::string, View> views;  // by oid
    for (const auto& row : rows(views_sql)) {
      View& view = views[row[0]];
      view.name = name_in(row[1], row[2]);
      view.materialized = row[3] == "t";
      std::string query = row[4];
      const auto begin = query.find_first_not_of(" \t\r\n");
      const auto end = query.find_last_not_of(" \t\r\n;");
      view.query = begin == std::string::npos ? std::string() : query.substr(begin, end - begin + 1);
      view.with_data = row[5] == "t";
      // `name=value` each; the language writes a view's three, not a materialized view's storage.
      std::map<std::string, std::string> options;
      for (std::size_t begin = 0; begin < row[6].size();) {
        const std::size_t end = std::min(row[6].find('\n', begin), row[6].size());
        const std::string option = row[6].substr(begin, end - begin);
        begin = end + 1;
        const std::size_t equals = option.find('=');
        const std::string name = option.substr(0, equals);
        std::string value = equals == std::string::npos ? "true" : option.substr(equals + 1);
        // Stored as written: `security_barrier=on`.
        static const std::map<std::string_view, std::string_view> booleans = {{"on", "true"}, {"yes", "true"}, {"1", "true"},
                                                                              {"off", "false"}, {"no", "false"}, {"0", "false"}};
        if (const auto spelled = booleans.find(value); spelled != booleans.end()) value = spelled->second;
        const bool known = ((name == "security_barrier" || name == "security_invoker") && (value == "true" || value == "false")) ||
                           (name == "check_option" && (value == "local" || value == "cascaded"));
        if (view.materialized) continue;  // storage parameters, named with the tables'
        if (known) {
          options[name] = value;
        } else {
          left_out(fmt::format("option {} of {} {}", option, view.materialized ? "materialized view" : "view", view.name));
        }
      }
      view.options.assign(options.begin(), options.end());
    }
    for (const auto& row : rows(view_columns_sql)) {
      const auto view = views.find(row[0]);
      if (view == views.end()) continue;
      ViewColumn& column = view->second.columns.emplace_back(ViewColumn{row[1], std::nullopt});
      if (!row[3].empty()) column.default_sql = as_expression(without_own_cast(row[3], row[2]));
    }
    for (const auto& row : rows(view_dependencies_sql)) {
      const auto view = views.find(row[0]);
      if (view == views.end()) continue;
      const QualifiedName relation = name_in(row[1], row[2]);
      view->second.reads.insert(relation);
      if (!row[3].empty()) view->second.uses.insert({relation, row[3]});
    }
    std::map<QualifiedName, View*> by_name;
    for (auto& [_, view] : views) by_name[view.name] = &view;
    // Depths, until none changes: a view is one deeper than the deepest view it reads.
    for (bool changed = true; changed;) {
      changed = false;
      for (auto& [_, view] : views) {
        for (const auto& read : view.reads) {
          const auto other = by_name.find(read);
          if (other == by_name.end() || other->second == &view) continue;
          if (other->second->depth + 1 > view.depth && view.depth <= views.size()) {
            view.depth = other->second->depth + 1;
            changed = true;
          }
        }
      }
    }
    std::vector<View*> ordered;
    for (auto& [_, view] : views) ordered.push_back(&view);
    std::stable_sort(ordered.begin(), ordered.end(), [](const View* a, const View* b) { return a->depth < b->depth; });
    for (View* view : ordered) apply_operation(op::CreateView{std::move(*view), false}, result_.schema);
  }

  // Each object's privileges as the server has them, in place of its kind's default.
  void read_privileges() {
    std::map<GrantTarget, Privileges> found;
    for (const auto& row : rows(privileges_sql)) {
      using Kind = ast::GrantTargetKind;
      const Kind kind = row[0] == "sequence" ? Kind::sequence : row[0] == "function" ? Kind::function
                        : row[0] == "procedure" ? Kind::procedure : row[0] == "schema" ? Kind::schema
                        : row[0] == "type" ? Kind::type : Kind::table;
      const QualifiedName name = kind == Kind::schema ? QualifiedName{"", row[2]} : name_in(row[1], row[2]);
      Privileges& privileges = found[row[0] == "column" ? GrantTarget{kind, name, {}, row[3]} : GrantTarget{kind, name, row[3]}];
      if (row[4].empty()) continue;
      bool& grant_option = privileges[row[4]][row[5]];
      grant_option = grant_option || row[6] == "t";  // granted by several roles, one with the option
    }
    for (const auto& [target, privileges] : found) {
      const Privileges* held = result_.schema.privileges_on(target);
      if (held == nullptr) {  // an identity column's sequence, or an object left out
        if (!privileges.empty()) {
          const char* kind = target.kind == ast::GrantTargetKind::sequence    ? "sequence"
                             : !target.column.empty()                         ? "column"
                             : target.kind == ast::GrantTargetKind::table     ? "table"
                             : target.kind == ast::GrantTargetKind::schema    ? "schema"
                             : target.kind == ast::GrantTargetKind::type      ? "type"
                             : target.kind == ast::GrantTargetKind::procedure ? "procedure"
                                                                              : "function";
          left_out(fmt::format("privileges (GRANT) on {} {}{}", kind, to_string(target.name),
                               target.kind == ast::GrantTargetKind::function || target.kind == ast::GrantTargetKind::procedure
                                   ? "(" + target.arguments + ")"
                                   : target.column.empty() ? "" : "." + target.column));
        }
        continue;
      }
      for (auto& change : privilege_changes(target, *held, privileges)) apply_operation(std::move(change), result_.schema);
    }
  }

  // What the compiler keeps of a routine, read back from its definition as PostgreSQL prints it.
  void read_routines_and_triggers() {
    for (const auto& row : rows(routines_sql)) {
      const bool procedure = row[2] == "t";
      const RoutineFacts facts = read_routine(row[3], procedure);
      const QualifiedName name = name_in(row[0], row[1]);
      if (facts.error) {
        left_out(fmt::format("{} {}({}): {}", procedure ? "procedure" : "function", name, row[4], facts.error->message));
        continue;
      }
      Routine routine;
      routine.key = RoutineKey{name, row[4]};
      routine.procedure = procedure;
      routine.definition = row[3];
      routine.language = facts.language;
      routine.volatility = facts.volatility;
      routine.body = facts.body;
      for (const auto& argument : facts.arguments) {
        if (argument.mode == 'i' || argument.mode == 'b' || argument.mode == 'v' || (procedure && argument.mode == 'o')) {
          routine.argument_names.push_back(argument.name);
        }
      }
      routine.returns = row[5];
      routine.reads_row_types = row[6] == "t";
      routine.reads_view_row_types = row[7] == "t";
      routine.standard_body = facts.standard_body && names_a_table(facts.body);
      routine.written_standard = facts.standard_body;
      routine.defaults = facts.defaults;
      routine.variadic = std::any_of(facts.arguments.begin(), facts.arguments.end(), [](const RoutineArgument& argument) { return argument.mode == 'v'; });
      apply_operation(op::CreateRoutine{std::move(routine), false}, result_.schema);
    }
    for (const auto& row : rows(triggers_sql)) {
      const TriggerFacts facts = read_trigger(row[3]);
      if (facts.error) {
        left_out(fmt::format("trigger {} on {}: {}", row[2], name_in(row[0], row[1]), facts.error->message));
        continue;
      }
      Trigger trigger;
      trigger.key = TriggerKey{name_in(row[0], row[1]), row[2]};
      const auto trim = [](std::string_view text) {
        const auto begin = text.find_first_not_of(" \t\r\n");
        if (begin == std::string_view::npos) return std::string();
        return std::string(text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1));
      };
      trigger.before_table = trim(std::string_view(row[3]).substr(0, facts.table_offset));
      trigger.after_table = trim(std::string_view(row[3]).substr(std::min(facts.table_end, row[3].size())));
      std::vector<std::string> function = facts.function;
      trigger.function = RoutineKey{function.size() > 1 ? name_in(function[0], function.back()) : QualifiedName{"", function.back()}, ""};
      for (const auto& column : facts.columns) trigger.columns.insert(column);
      for (const auto& reference : facts.when) {
        if (reference.names.size() == 2) trigger.columns.insert(reference.names[1]);
      }
      trigger.enabled = row[4] != "D";
      apply_operation(op::CreateTrigger{std::move(trigger), false}, result_.schema);
    }
    for (const auto& row : rows(policies_sql)) {
      Policy policy;
      policy.key = PolicyKey{name_in(row[0], row[1]), row[2]};
      policy.definition = row[3];
      for (const auto& reference : read_policy(row[3]).columns) policy.columns.insert(reference.names.back());
      apply_operation(op::CreatePolicy{std::move(policy)}, result_.schema);
    }
  }

  // On objects read above; one on an object left out goes with it.
  void read_comments() {
    using Kind = ast::CommentKind;
    static const std::map<std::string, Kind, std::less<>> kinds = {
        {"view", Kind::view},     {"materialized view", Kind::materialized_view}, {"index", Kind::index},
        {"sequence", Kind::sequence}, {"type", Kind::type},   {"domain", Kind::domain}, {"function", Kind::function},
        {"procedure", Kind::procedure}, {"trigger", Kind::trigger}, {"policy", Kind::policy}, {"constraint", Kind::constraint},
        {"column", Kind::column}};
    for (const auto& row : rows(comments_sql)) {
      apply_operation(op::Comment{kinds.at(row[0]), name_in(row[1], row[2]), row[3], row[4]}, result_.schema);
    }
  }

  // Composite types' names come first: a domain or an attribute may be of one.
  void read_user_types() {
    std::map<QualifiedName, CompositeType> composites;
    for (const auto& row : rows(composites_sql)) {
      const QualifiedName name = name_in(row[0], row[1]);
      composites[name].name = name;
      composite_names_.insert(name);
    }
    std::map<QualifiedName, Domain> domains;
    for (const auto& row : rows(domains_sql)) {
      Domain& domain = domains[name_in(row[0], row[1])];
      domain.name = name_in(row[0], row[1]);
      domain.type = read_type(row[2], row[5], row[6], row[7], fmt::format("domain {}", domain.name));
      domain.not_null = row[3] == "t";
      if (!row[4].empty()) domain.default_sql = as_expression(without_own_cast(row[4], domain.type.sql()));
      if (!row[9].empty()) {
        domain.collation = row[8] == "pg_catalog" ? QualifiedName{"", row[9]} : name_in(row[8], row[9]);
        if (row[8] != "pg_catalog") {
          left_out(fmt::format("collation {}.{} of domain {}, which the revision uses and does not create (the language "
                               "has no `create collation`: make it first)",
                               row[8], row[9], domain.name));
        }
      }
    }
    for (const auto& row : rows(domain_constraints_sql)) {
      const auto domain = domains.find(name_in(row[0], row[1]));
      if (domain == domains.end()) continue;
      std::string definition = row[3];
      const bool not_valid = row[4] == "f";
      if (not_valid && definition.ends_with(" NOT VALID")) definition.resize(definition.size() - std::string_view(" NOT VALID").size());
      if (definition.starts_with("CHECK ")) definition = definition.substr(6);
      domain->second.constraints.push_back({row[2], varchar_lists_as_in(definition), not_valid});
    }
    for (const auto& row : rows(attributes_sql)) {
      CompositeType& type = composites.at(name_in(row[0], row[1]));
      type.attributes.push_back({row[2], read_type(row[3], row[4], row[5], row[6], fmt::format("{}.{}", type.name, row[2]))});
    }
    for (auto& [_, domain] : domains) apply_operation(op::CreateDomain{std::move(domain)}, result_.schema);
    for (auto& [_, type] : composites) apply_operation(op::CreateComposite{std::move(type)}, result_.schema);
  }

  // A column's, attribute's or domain's type from format_type() and its element type's kind
  // (`typtype`) and name: enums, domains and composite types by name, the others as built in.
  ColumnType read_type(const std::string& printed, const std::string& typtype, const std::string& schema,
                       const std::string& name, const std::string& of) {
    ColumnType type;
    if (typtype == "e" || typtype == "d" || (typtype == "c" && composite_names_.contains(name_in(schema, name)))) {
      type.name = name_in(schema, name);
      type.user_defined = true;
      for (std::string_view rest = printed; rest.ends_with("[]"); rest.remove_suffix(2)) ++type.array_dimensions;
      return type;
    }
    type = parse_builtin_type(printed);
    // An extension's type where the revision names it bare (`citext`), as the compiler takes it.
    const auto entries = catalog_types(name);
    const bool extension_type = !entries.empty() && !entries.front().extension.empty() && type.name.name == name && type.modifiers.empty();
    if ((schema != "pg_catalog" && !extension_type) || type.sql() != printed) {
      left_out(fmt::format("the type of {} ({}): the language has no such type; it is written with it as is", of, printed));
    }
    return type;
  }

  // Whether `sql` names a table of the database's or a view read so far; read before the tables.
  bool names_a_table(const std::string& sql) {
    if (!table_names_) {
      table_names_.emplace();
      for (const auto& row : rows(tables_sql)) table_names_->push_back(row[2]);
    }
    return names_a_relation(result_.schema, sql) ||
           std::any_of(table_names_->begin(), table_names_->end(), [&](const std::string& name) { return mentions_identifier(sql, name); });
  }

  void read_tables() {
    for (const auto& row : rows(tables_sql)) {
      Table table;
      table.name = name_in(row[1], row[2]);
      if (!row[3].empty()) table.comment = row[3];
      table.row_security = row[6] == "t";
      table.force_row_security = row[7] == "t";
      table.unlogged = row[8] == "t";
      if (row[4] == "p" || row[5] == "t") left_out(fmt::format("partitioning of table {}", table.name));
      table_oids_[row[0]] = table.name;
      tables_.emplace(row[0], std::move(table));
    }
    for (const auto& row : rows(columns_sql)) read_column(tables_.at(row[0]), row);
    for (const auto& row : rows(constraints_sql)) read_constraint(tables_.at(row[0]), row);
    for (auto& [_, table] : tables_) apply_operation(op::CreateTable{std::move(table)}, result_.schema);
  }

  void read_column(Table& table, const Row& row) {
    Column column;
    column.name = row[1];
    column.type = read_type(row[2], row[7], row[8], row[9], fmt::format("{}.{}", table.name, column.name));
    column.not_null = row[3] == "t";
    const std::string& default_sql = row[4];
    std::optional<QualifiedName> sequence;
    if (!row[11].empty()) sequence = name_in(row[10], row[11]);
    if (sequence) {
      // Sequences are read before tables: this one is among them until its column takes it.
      const auto read = sequences_.find(*sequence);
      column.owned_sequence_options = read == sequences_.end() ? default_sequence_options(column.type.name.name) : read->second;
    }
    if (row[5] == "a" || row[5] == "d") {
      column.identity = row[5] == "a" ? Identity::always : Identity::by_default;
      // Named (`sequence name`) where it is not what PostgreSQL would choose.
      column.owned_sequence = sequence;
    } else if (sequence && default_sql == "nextval(" + quote_literal(quote_qualified(*sequence)) + "::regclass)" && column.not_null &&
               column.owned_sequence_options == default_sequence_options(column.type.name.name) &&
               *sequence == beside(table.name, make_object_name(table.name.name, column.name, "seq"))) {
      // What `serial` makes. Otherwise (nullable, a sequence of its own name, type or options)
      // the sequence comes back as itself, `owned by` the column, and the column's default calls it.
      column.owned_sequence = sequence;
    } else if (row[12] == "s") {
      // The catalog keeps the generation expression where a default would be.
      column.generated_sql = "(" + default_sql + ")";
    } else if (!default_sql.empty()) {
      column.default_sql = as_expression(without_own_cast(default_sql, column.type.sql()));
    }
    // Built-in collations are on every search path, written bare.
    if (!row[14].empty()) {
      column.collation = row[13] == "pg_catalog" ? QualifiedName{"", row[14]} : name_in(row[13], row[14]);
      if (row[13] != "pg_catalog") {
        left_out(fmt::format("collation {}.{} of column {}.{}, which the revision uses and does not create (the language "
                             "has no `create collation`: make it first)",
                             row[13], row[14], table.name, column.name));
      }
    }
    if (!row[6].empty()) column.comment = row[6];
    table.columns.push_back(std::move(column));
  }

  void read_constraint(Table& table, const Row& row) {
    Constraint constraint;
    constraint.name = row[1];
    const char kind = row[2].empty() ? ' ' : row[2][0];
    if (kind != 'p' && kind != 'u' && kind != 'f' && kind != 'c') return;  // exclusion constraints are named in left_out
    if (!row[3].empty()) constraint.columns = split_names(row[3]);
    constraint.not_valid = row[9] == "f";
    constraint.deferrable = row[12] == "t";
    constraint.initially_deferred = row[14] == "t";
    constraint.nulls_not_distinct = row[15] == "true";
    if (row[16] == "t") left_out(fmt::format("the INCLUDE columns of constraint {} on {}", constraint.name, table.name));
    if (row[13] == "f") left_out(fmt::format("MATCH FULL of foreign key {} on {}", constraint.name, table.name));
    switch (kind) {
      case 'p': constraint.kind = ConstraintKind::primary_key; break;
      case 'u': constraint.kind = ConstraintKind::unique; break;
      case 'f':
        if (row[11] != "t") {
          left_out(fmt::format("foreign key {} of {}: it references {}.{}, outside what was read", constraint.name, table.name, row[4], row[5]));
          return;
        }
        constraint.kind = ConstraintKind::foreign_key;
        constraint.referenced_table = name_in(row[4], row[5]);
        constraint.referenced_columns = split_names(row[6]);
        constraint.on_delete = action_of(row[7].empty() ? 'a' : row[7][0]);
        constraint.on_update = action_of(row[8].empty() ? 'a' : row[8][0]);
        // PostgreSQL 15's `on delete set null (column, ...)` (confdelsetcols, read so that an
        // older server, without it, answers too).
        if (!row[17].empty()) constraint.on_delete_columns = split_names(row[17]);
        break;
      default: {
        constraint.kind = ConstraintKind::check;
        std::string definition = row[10];
        if (definition.ends_with(" NOT VALID")) definition.resize(definition.size() - std::string_view(" NOT VALID").size());
        if (definition.starts_with("CHECK ")) definition = definition.substr(6);
        if (definition.ends_with(" NO INHERIT")) {
          left_out(fmt::format("NO INHERIT of check constraint {} on {}", constraint.name, table.name));
          definition.resize(definition.size() - std::string_view(" NO INHERIT").size());
        }
        constraint.check_sql = varchar_lists_as_in(definition);
      }
    }
    table.constraints.push_back(std::move(constraint));
  }

  void read_indexes() {
    std::map<std::string, Index> indexes;  // by oid, keys in order
    for (const auto& row : rows(indexes_sql)) {
      Index& index = indexes[row[0]];
      if (index.name.name.empty()) {
        index.table = name_in(row[21], row[22]);  // a table's or a materialized view's
        index.name = beside(index.table, row[2]);
        index.unique = row[3] == "t";
        index.method = row[4];
        if (!row[5].empty()) index.where_sql = "(" + varchar_lists_as_in(row[5]) + ")";
        if (row[6] == "t") index.include = split_names(row[14]);
        index.nulls_not_distinct = row[15] == "true";
      }
      IndexKey key;
      // A key's operator class is kept where it is not its type's default: the language names
      // those of PostgreSQL and its extensions, in no schema but theirs.
      if (row[17] == "named") key.operator_class = row[16];
      if (row[17] == "elsewhere") left_out(fmt::format("the operator class of a key of index {}", index.name));
      // An expression key's collation is compared with its type's: one its column gives it
      // (`lower(name)` of a column collated "C") comes out written.
      if (row[18] == "t") key.collation = QualifiedName{row[19] == "pg_catalog" ? "" : row[19], row[20]};
      if (row[8] != "0") {
        key.column = row[9];
      } else {
        key.expression = "(" + row[10] + ")";
      }
      key.descending = row[11] == "t";
      // NULLS FIRST is the default for descending keys only.
      key.nulls_reversed = (row[12] == "t") != key.descending;
      index.keys.push_back(std::move(key));
    }
    for (auto& [_, index] : indexes) apply_operation(op::CreateIndex{std::move(index), false}, result_.schema);
  }

  Connection& connection_;
  const std::optional<std::string> only_schema_;
  Introspected result_;
  std::optional<std::vector<std::string>> table_names_;  // the database's, once names_a_table() asks
  std::map<QualifiedName, Sequence> sequences_;  // read before the columns that may own them
  std::set<QualifiedName> composite_names_;       // read before any type that may name one
  std::map<std::string, Table> tables_;  // by oid, while their columns and constraints are read
  std::map<std::string, QualifiedName> table_oids_;  // oid -> name
};

}  // namespace

namespace {

// The catalog prints names relative to the search path (a default's `'new'::state`, a serial's
// sequence, an extension's function): `search_path` is what they are printed against.
Introspected introspect_on_path(Connection& connection, const std::string& only_schema, const std::string& search_path) {
  const std::string saved(connection.execute("SELECT current_setting('search_path')").value(0, 0));
  connection.execute("SELECT set_config('search_path', $1, false)", {search_path});
  try {
    Introspected result = Reader(connection, only_schema).run();
    connection.execute("SELECT set_config('search_path', $1, false)", {saved});
    return result;
  } catch (...) {
    connection.execute("SELECT set_config('search_path', $1, false)", {saved});
    throw;
  }
}

}  // namespace

Introspected introspect(Connection& connection, const std::optional<std::string>& only_schema) {
  if (!only_schema) return Reader(connection, only_schema).run();
  // With the schema alone on the path, its objects come out unqualified, as they are named here.
  return introspect_on_path(connection, *only_schema, quote_identifier(*only_schema));
}

Schema normalised_by_server(Connection& connection, const Schema& head) {
  const ScratchSchema scratch(connection, "migc_scratch");
  std::string sql;
  for (const auto& [key, statement] : schema_objects(head)) {
    if (key.outside_default_schema()) continue;
    sql += statement + ";\n";
  }
  connection.execute_script(sql);
  Schema normalised = introspect_on_path(connection, "migc_scratch", scratch.search_path()).schema;
  // Extensions belong to the database, not to the scratch schema: the head's are the ones meant.
  const auto read = normalised.extensions();
  for (const auto& [name, _] : read) apply_operation(op::DropExtension{name}, normalised);
  for (const auto& [_, extension] : head.extensions()) apply_operation(op::CreateExtension{extension}, normalised);
  return normalised;
}

}  // namespace migc
