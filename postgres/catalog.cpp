// Catalog queries for schema snapshots.
#include "postgres/catalog.hpp"

#include <algorithm>
#include <vector>

#include "postgres/history_tables.hpp"

namespace migc {
namespace {

constexpr std::string_view snapshot_sql = R"sql(
WITH user_namespace AS (
  SELECT oid, CASE WHEN $1::text IS NULL THEN quote_ident(nspname) || '.' ELSE '' END AS nspname,
         nspname AS real_nspname
  FROM pg_namespace
  WHERE CASE WHEN $1::text IS NULL
             THEN nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\_toast%'
                  AND nspname NOT LIKE 'pg\_temp%' AND nspname <> 'migc_check'
             ELSE nspname = $1::text END
), user_class AS (
  SELECT c.*, n.nspname, n.real_nspname FROM pg_class c JOIN user_namespace n ON n.oid = c.relnamespace
  WHERE )sql" MIGC_NOT_HISTORY_RELATION_SQL R"sql()
SELECT format('type %s%I enum (%s)', n.nspname, t.typname,
              string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder))
  FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
  GROUP BY n.nspname, t.typname
UNION ALL
SELECT format('domain %s%I %s%s%s', n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod),
              CASE WHEN t.typnotnull THEN ' not null' ELSE '' END, COALESCE(' default ' || pg_get_expr(t.typdefaultbin, 0), ''))
  FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd'
UNION ALL
SELECT format('constraint on domain %s%I.%I %s', n.nspname, t.typname, co.conname, pg_get_constraintdef(co.oid))
  FROM pg_constraint co JOIN pg_type t ON t.oid = co.contypid JOIN user_namespace n ON n.oid = t.typnamespace
UNION ALL
-- A composite type is a relation of kind c, its attributes its columns.
-- An unlogged relation loses its rows in a crash; row level security filters them.
SELECT format('relation %s%I kind %s%s%s%s', c.nspname, c.relname, c.relkind,
              CASE WHEN c.relpersistence = 'u' THEN ' unlogged' ELSE '' END,
              CASE WHEN c.relrowsecurity THEN ' row level security' ELSE '' END,
              CASE WHEN c.relforcerowsecurity THEN ' forced' ELSE '' END) FROM user_class c
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'i', 'c')
UNION ALL
-- A view's query as PostgreSQL prints it (on one line), and whether a materialized view holds rows.
SELECT format('view %s%I as %s%s', c.nspname, c.relname, btrim(regexp_replace(pg_get_viewdef(c.oid), '\s+', ' ', 'g')),
              CASE WHEN c.relkind = 'm' AND NOT c.relispopulated THEN ' (no data)' ELSE '' END)
  FROM user_class c WHERE c.relkind IN ('v', 'm')
UNION ALL
SELECT format('column %s%I.%I %s%s%s%s%s%s', c.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
              CASE WHEN a.attcollation <> t.typcollation THEN (SELECT format(' collate %I', collname) FROM pg_collation
                                                                WHERE oid = a.attcollation) ELSE '' END,
              CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
              COALESCE(CASE WHEN a.attgenerated = 's' THEN ' generated always as ' ELSE ' default ' END
                       || pg_get_expr(d.adbin, d.adrelid), ''),
              CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END,
              COALESCE(' comment ' || quote_literal(col_description(c.oid, a.attnum)), ''))
  FROM pg_attribute a JOIN user_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
UNION ALL
SELECT format('comment on %s%I %s', c.nspname, c.relname, quote_literal(obj_description(c.oid, 'pg_class')))
  FROM user_class c WHERE obj_description(c.oid, 'pg_class') IS NOT NULL
UNION ALL
SELECT format('extension %I', e.extname) FROM pg_extension e WHERE e.extname <> 'plpgsql'
UNION ALL
SELECT format('constraint %s%I.%I %s', c.nspname, c.relname, co.conname, pg_get_constraintdef(co.oid))
  FROM pg_constraint co JOIN user_class c ON c.oid = co.conrelid
UNION ALL
-- pg_get_indexdef() always qualifies the table; a one-schema snapshot leaves names bare.
-- An INVALID index (an interrupted concurrent build or drop) is not the index it would be.
SELECT format('index %s%s', CASE WHEN $1::text IS NULL THEN pg_get_indexdef(i.indexrelid)
                            ELSE replace(pg_get_indexdef(i.indexrelid), ' ON ' || quote_ident(c.real_nspname) || '.', ' ON ')
                            END,
              CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END)
  FROM pg_index i JOIN user_class c ON c.oid = i.indexrelid
UNION ALL
-- A function or procedure as PostgreSQL prints it (line ends escaped); not an extension's.
SELECT 'function ' || replace(replace(
         CASE WHEN $1::text IS NOT NULL AND starts_with(def, head || quote_ident(n.real_nspname) || '.')
              THEN head || substr(def, length(head || quote_ident(n.real_nspname) || '.') + 1) ELSE def END,
         '\', '\\'), E'\n', '\n')
  FROM pg_proc p JOIN user_namespace n ON n.oid = p.pronamespace,
       LATERAL (SELECT pg_get_functiondef(p.oid) AS def,
                       'CREATE OR REPLACE ' || CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END AS head) f
  WHERE p.prokind IN ('f', 'p')
    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
UNION ALL
-- A trigger, and whether it fires; the internal triggers behind foreign keys only where
-- disabled (`disable trigger all`), which switches the keys' checks off.
SELECT format('trigger %s%s', CASE WHEN $1::text IS NULL THEN pg_get_triggerdef(t.oid)
                               ELSE replace(pg_get_triggerdef(t.oid), ' ON ' || quote_ident(c.real_nspname) || '.', ' ON ') END,
              CASE t.tgenabled WHEN 'D' THEN ' (disabled)' WHEN 'R' THEN ' (replica)' WHEN 'A' THEN ' (always)' ELSE '' END)
  FROM pg_trigger t JOIN user_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
UNION ALL
-- A policy: whom and which commands it is for, and its expressions as PostgreSQL prints them.
SELECT format('policy %I on %s%I as %s for %s to %s using %s with check %s', p.polname, c.nspname, c.relname,
              CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END,
              CASE p.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update' WHEN 'd' THEN 'delete' ELSE 'all' END,
              (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(r)) END, ', ' ORDER BY 1)
                 FROM unnest(p.polroles) r),
              COALESCE(pg_get_expr(p.polqual, p.polrelid), '-'), COALESCE(pg_get_expr(p.polwithcheck, p.polrelid), '-'))
  FROM pg_policy p JOIN user_class c ON c.oid = p.polrelid
UNION ALL
SELECT format('internal triggers of %s%I disabled: %s', c.nspname, c.relname, count(*))
  FROM pg_trigger t JOIN user_class c ON c.oid = t.tgrelid WHERE t.tgisinternal AND t.tgenabled = 'D'
  GROUP BY c.nspname, c.relname
UNION ALL
SELECT format('sequence %s%I %s start %s increment %s min %s max %s cache %s%s owned by %s', c.nspname, c.relname,
              format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
              CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END,
              COALESCE((SELECT format('%I.%I', oc.relname, a.attname) FROM pg_depend dep
                          JOIN pg_class oc ON oc.oid = dep.refobjid
                          JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
                        WHERE dep.objid = c.oid AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'a'),
                       'nothing'))
  FROM pg_sequence s JOIN user_class c ON c.oid = s.seqrelid
)sql";

}  // namespace

std::string catalog_snapshot(Connection& connection, const std::optional<std::string>& only_schema) {
  const Result result = connection.execute(snapshot_sql, {only_schema});
  std::vector<std::string> lines;
  for (int row = 0; row < result.rows(); ++row) lines.emplace_back(result.value(row, 0));
  std::sort(lines.begin(), lines.end());
  std::string snapshot;
  for (const auto& line : lines) snapshot += line + "\n";
  return snapshot;
}

}  // namespace migc
