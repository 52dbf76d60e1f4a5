// Catalog queries for schema snapshots.
#include "postgres/catalog.hpp"

#include <algorithm>
#include <vector>

#include "postgres/history_tables.hpp"

namespace migc {
namespace {

// One row per line: the line, then the object it describes (kind and name, as exclusion
// patterns name them) and, for a part of another object (a column, an index, an owned sequence,
// a trigger), that object. Names are raw, schema-qualified when the snapshot spans schemas.
constexpr std::string_view snapshot_sql = R"sql(
WITH user_namespace AS (
  SELECT oid, CASE WHEN $1::text IS NULL THEN quote_ident(nspname) || '.' ELSE '' END AS nspname,
         nspname AS real_nspname, CASE WHEN $1::text IS NULL THEN nspname || '.' ELSE '' END AS prefix
  FROM pg_namespace
  WHERE CASE WHEN $1::text IS NULL
             THEN nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\_toast%'
                  AND nspname NOT LIKE 'pg\_temp%' AND nspname <> 'migc_check'
             ELSE nspname = $1::text END
), extension_member AS (
  -- What an extension made is the extension's, however it is named: not listed.
  SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
), relation_kind(relkind, kind) AS (
  VALUES ('r'::"char", 'table'), ('p', 'table'), ('v', 'view'), ('m', 'materialized_view'), ('f', 'foreign_table'),
         ('S', 'sequence'), ('c', 'type'), ('i', 'index'), ('I', 'index')
), named_class AS (
  SELECT c.*, n.nspname, n.real_nspname, n.prefix, n.prefix || c.relname AS object_name, k.kind AS object_kind,
         -- What an index or an owned sequence belongs to: it goes where that goes.
         COALESCE((SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = c.oid),
                  (SELECT d.refobjid FROM pg_depend d
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                     AND d.deptype IN ('a', 'i') LIMIT 1)) AS owner_oid
  FROM pg_class c JOIN user_namespace n ON n.oid = c.relnamespace JOIN relation_kind k ON k.relkind = c.relkind
  WHERE )sql" MIGC_NOT_HISTORY_RELATION_SQL R"sql(
    -- An extension's relation, composite type (a member by its pg_type row), or their indexes.
    AND ('pg_class'::regclass, c.oid) NOT IN (SELECT * FROM extension_member)
    AND ('pg_type'::regclass, c.reltype) NOT IN (SELECT * FROM extension_member)
)
, user_class AS (
  SELECT c.*, ok.kind AS owner_kind, c.prefix || o.relname AS owner_name
  FROM named_class c LEFT JOIN pg_class o ON o.oid = c.owner_oid LEFT JOIN relation_kind ok ON ok.relkind = o.relkind
  WHERE c.owner_oid IS NULL OR ('pg_class'::regclass, c.owner_oid) NOT IN (SELECT * FROM extension_member)
)
SELECT format('type %s%I enum (%s)', n.nspname, t.typname,
              string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)),
       'type', n.prefix || t.typname, NULL, NULL
  FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
  WHERE ('pg_type'::regclass, t.oid) NOT IN (SELECT * FROM extension_member)
  GROUP BY n.nspname, n.prefix, t.typname
UNION ALL
SELECT format('domain %s%I %s%s%s%s', n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod),
              CASE WHEN t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)
                   THEN format(' collate %s', t.typcollation::regcollation) ELSE '' END,
              CASE WHEN t.typnotnull THEN ' not null' ELSE '' END, COALESCE(' default ' || pg_get_expr(t.typdefaultbin, 0), '')),
       'domain', n.prefix || t.typname, NULL, NULL
  FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace
  WHERE t.typtype = 'd' AND ('pg_type'::regclass, t.oid) NOT IN (SELECT * FROM extension_member)
UNION ALL
SELECT format('constraint on domain %s%I.%I %s', n.nspname, t.typname, co.conname, pg_get_constraintdef(co.oid)),
       'constraint', n.prefix || t.typname || '.' || co.conname, 'domain', n.prefix || t.typname
  FROM pg_constraint co JOIN pg_type t ON t.oid = co.contypid JOIN user_namespace n ON n.oid = t.typnamespace
  WHERE ('pg_type'::regclass, t.oid) NOT IN (SELECT * FROM extension_member)
UNION ALL
-- A composite type is a relation of kind c, its attributes its columns.
-- An unlogged relation loses its rows in a crash; row level security filters them.
SELECT format('relation %s%I kind %s%s%s%s', c.nspname, c.relname, c.relkind,
              CASE WHEN c.relpersistence = 'u' THEN ' unlogged' ELSE '' END,
              CASE WHEN c.relrowsecurity THEN ' row level security' ELSE '' END,
              CASE WHEN c.relforcerowsecurity THEN ' forced' ELSE '' END),
       c.object_kind, c.object_name, c.owner_kind, c.owner_name
  FROM user_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'i', 'c')
UNION ALL
-- A view's query as PostgreSQL prints it (on one line), and whether a materialized view holds rows.
SELECT format('view %s%I as %s%s', c.nspname, c.relname, btrim(regexp_replace(pg_get_viewdef(c.oid), '\s+', ' ', 'g')),
              CASE WHEN c.relkind = 'm' AND NOT c.relispopulated THEN ' (no data)' ELSE '' END),
       c.object_kind, c.object_name, NULL, NULL
  FROM user_class c WHERE c.relkind IN ('v', 'm')
UNION ALL
SELECT format('column %s%I.%I %s%s%s%s%s%s', c.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
              -- Qualified outside pg_catalog: a collation of one name may be in several schemas.
              CASE WHEN a.attcollation <> t.typcollation
                   THEN (SELECT format(' collate %s', CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                                                           ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END)
                         FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation)
                   ELSE '' END,
              CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
              COALESCE(CASE WHEN a.attgenerated = 's' THEN ' generated always as ' ELSE ' default ' END
                       || pg_get_expr(d.adbin, d.adrelid), ''),
              CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END,
              -- The language comments on a table's columns only: other comments are listed as unmodelled.
              CASE WHEN c.relkind IN ('r', 'p', 'f') THEN COALESCE(' comment ' || quote_literal(col_description(c.oid, a.attnum)), '')
                   ELSE '' END),
       'column', c.object_name || '.' || a.attname, c.object_kind, c.object_name
  FROM pg_attribute a JOIN user_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
UNION ALL
SELECT format('comment on %s%I %s', c.nspname, c.relname, quote_literal(obj_description(c.oid, 'pg_class'))),
       c.object_kind, c.object_name, c.owner_kind, c.owner_name
  FROM user_class c WHERE obj_description(c.oid, 'pg_class') IS NOT NULL
    -- Not on what the language comments on through its owner: an identity's or serial's sequence,
    -- a constraint's index.
    AND NOT (c.relkind = 'S' AND c.owner_oid IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM pg_constraint ci WHERE ci.conindid = c.oid AND ci.contype IN ('p', 'u', 'x'))
UNION ALL
SELECT format('extension %I', e.extname), 'extension', e.extname, NULL, NULL FROM pg_extension e WHERE e.extname <> 'plpgsql'
UNION ALL
SELECT format('constraint %s%I.%I %s', c.nspname, c.relname, co.conname, pg_get_constraintdef(co.oid)),
       'constraint', c.object_name || '.' || co.conname, c.object_kind, c.object_name
  FROM pg_constraint co JOIN user_class c ON c.oid = co.conrelid
UNION ALL
-- pg_get_indexdef() always qualifies the table; a one-schema snapshot leaves names bare.
-- An INVALID index (an interrupted concurrent build or drop) is not the index it would be.
SELECT format('index %s%s', CASE WHEN $1::text IS NULL THEN pg_get_indexdef(i.indexrelid)
                            ELSE replace(pg_get_indexdef(i.indexrelid), ' ON ' || quote_ident(c.real_nspname) || '.', ' ON ')
                            END,
              CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END),
       c.object_kind, c.object_name, c.owner_kind, c.owner_name
  FROM pg_index i JOIN user_class c ON c.oid = i.indexrelid
UNION ALL
-- A function or procedure as PostgreSQL prints it (line ends escaped); not an extension's.
SELECT 'function ' || replace(replace(
         CASE WHEN $1::text IS NOT NULL AND starts_with(def, head || quote_ident(n.real_nspname) || '.')
              THEN head || substr(def, length(head || quote_ident(n.real_nspname) || '.') + 1) ELSE def END,
         '\', '\\'), E'\n', '\n'),
       CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.prefix || p.proname, NULL, NULL
  FROM pg_proc p JOIN user_namespace n ON n.oid = p.pronamespace,
       LATERAL (SELECT pg_get_functiondef(p.oid) AS def,
                       'CREATE OR REPLACE ' || CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END AS head) f
  WHERE p.prokind IN ('f', 'p')
    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype IN ('e', 'i'))
UNION ALL
-- A trigger, and whether it fires; the internal triggers behind foreign keys only where
-- disabled (`disable trigger all`), which switches the keys' checks off.
SELECT format('trigger %s%s', CASE WHEN $1::text IS NULL THEN pg_get_triggerdef(t.oid)
                               ELSE replace(pg_get_triggerdef(t.oid), ' ON ' || quote_ident(c.real_nspname) || '.', ' ON ') END,
              CASE t.tgenabled WHEN 'D' THEN ' (disabled)' WHEN 'R' THEN ' (replica)' WHEN 'A' THEN ' (always)' ELSE '' END),
       'trigger', c.object_name || '.' || t.tgname, c.object_kind, c.object_name
  FROM pg_trigger t JOIN user_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
UNION ALL
-- A policy: whom and which commands it is for, and its expressions as PostgreSQL prints them.
SELECT format('policy %I on %s%I as %s for %s to %s using %s with check %s', p.polname, c.nspname, c.relname,
              CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END,
              CASE p.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update' WHEN 'd' THEN 'delete' ELSE 'all' END,
              (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(r)) END, ', ' ORDER BY 1)
                 FROM unnest(p.polroles) r),
              COALESCE(pg_get_expr(p.polqual, p.polrelid), '-'), COALESCE(pg_get_expr(p.polwithcheck, p.polrelid), '-')),
       'policy', c.object_name || '.' || p.polname, c.object_kind, c.object_name
  FROM pg_policy p JOIN user_class c ON c.oid = p.polrelid
UNION ALL
-- Privileges, one line per object and role, as they differ from their kind's default
-- (acldefault()): `+PRIVILEGE` given, `-PRIVILEGE` taken from the default. An object never
-- granted on and one granted on and revoked back read alike, whoever made the grants.
SELECT format('privileges on %s %s%s for %s: %s', o.kind_word, o.nspname, o.shown,
              CASE WHEN e.grantee = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(e.grantee)) END,
              string_agg(e.entry, ', ' ORDER BY e.entry)),
       o.object_kind, o.object_name, o.owner_kind, o.owner_name
  FROM (SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END AS kind_word, c.nspname, quote_ident(c.relname) AS shown,
               c.relacl AS acl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner) AS defaults,
               c.object_kind, c.object_name, c.owner_kind, c.owner_name
          FROM user_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relacl IS NOT NULL
            -- Not an identity column's sequence: the language gives those none (unmodelled).
            AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                  AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i'))
        UNION ALL
        SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.nspname,
               format('%I(%s)', p.proname, pg_get_function_identity_arguments(p.oid)), p.proacl, acldefault('f', p.proowner),
               CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.prefix || p.proname, NULL, NULL
          FROM pg_proc p JOIN user_namespace n ON n.oid = p.pronamespace
          WHERE p.prokind IN ('f', 'p') AND p.proacl IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_proc'::regclass AND x.objid = p.oid AND x.deptype IN ('e', 'i'))
        UNION ALL
        -- A schema other than the current one (the connection's, or the scratch schema standing
        -- in for it), which is the database's: one the chain makes.
        SELECT 'schema', '', quote_ident(n.real_nspname), s.nspacl, acldefault('n', s.nspowner), 'schema', n.real_nspname, NULL, NULL
          FROM pg_namespace s JOIN user_namespace n ON n.oid = s.oid
          WHERE s.nspacl IS NOT NULL AND s.nspname <> current_schema()
        UNION ALL
        -- A table's column: its own, beside its table's.
        SELECT 'column', c.nspname, format('%I.%I', c.relname, a.attname), a.attacl, acldefault('c', c.relowner),
               'column', c.object_name || '.' || a.attname, c.object_kind, c.object_name
          FROM user_class c JOIN pg_attribute a ON a.attrelid = c.oid
          WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
        UNION ALL
        -- An enum, domain or composite type (a table's row type takes no grants of its own).
        SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, n.nspname, quote_ident(t.typname), t.typacl, acldefault('T', t.typowner),
               CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, n.prefix || t.typname, NULL, NULL
          FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace
          WHERE t.typacl IS NOT NULL AND ('pg_type'::regclass, t.oid) NOT IN (SELECT * FROM extension_member)
            AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND (SELECT r.relkind FROM pg_class r WHERE r.oid = t.typrelid) = 'c'))
       ) o,
       LATERAL (SELECT d.grantee, d.sign || d.privilege_type || CASE WHEN d.is_grantable THEN ' with grant option' ELSE '' END AS entry
                  FROM ((SELECT '+' AS sign, a.grantee, a.privilege_type, a.is_grantable FROM aclexplode(o.acl) a
                         EXCEPT SELECT '+', a.grantee, a.privilege_type, a.is_grantable FROM aclexplode(o.defaults) a)
                        UNION ALL
                        (SELECT '-', a.grantee, a.privilege_type, a.is_grantable FROM aclexplode(o.defaults) a
                         EXCEPT SELECT '-', a.grantee, a.privilege_type, a.is_grantable FROM aclexplode(o.acl) a)) d) e
  GROUP BY o.kind_word, o.nspname, o.shown, e.grantee, o.object_kind, o.object_name, o.owner_kind, o.owner_name
UNION ALL
-- Comments on what is not a relation or a column (those are on their lines above).
SELECT format('comment on %s %s %s', k.kind, k.shown, quote_literal(d.description)), k.kind, k.name, k.owner_kind, k.owner_name
  FROM pg_description d,
       LATERAL (SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
                       format('%s%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)), n.prefix || p.proname,
                       NULL, NULL
                  FROM pg_proc p JOIN user_namespace n ON n.oid = p.pronamespace
                  WHERE d.classoid = 'pg_proc'::regclass AND p.oid = d.objoid AND p.prokind IN ('f', 'p')
                    AND ('pg_proc'::regclass, p.oid) NOT IN (SELECT * FROM extension_member)
                UNION ALL
                SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, format('%s%I', n.nspname, t.typname), n.prefix || t.typname,
                       NULL, NULL
                  FROM pg_type t JOIN user_namespace n ON n.oid = t.typnamespace
                  WHERE d.classoid = 'pg_type'::regclass AND t.oid = d.objoid AND t.typtype IN ('e', 'c', 'd')
                    AND ('pg_type'::regclass, t.oid) NOT IN (SELECT * FROM extension_member)
                UNION ALL
                SELECT 'trigger', format('%I on %s%I', t.tgname, c.nspname, c.relname), c.object_name || '.' || t.tgname,
                       c.object_kind, c.object_name
                  FROM pg_trigger t JOIN user_class c ON c.oid = t.tgrelid
                  WHERE d.classoid = 'pg_trigger'::regclass AND t.oid = d.objoid
                UNION ALL
                SELECT 'policy', format('%I on %s%I', p.polname, c.nspname, c.relname), c.object_name || '.' || p.polname,
                       c.object_kind, c.object_name
                  FROM pg_policy p JOIN user_class c ON c.oid = p.polrelid
                  WHERE d.classoid = 'pg_policy'::regclass AND p.oid = d.objoid
                UNION ALL
                SELECT 'constraint', format('%I on %s%I', co.conname, c.nspname, c.relname), c.object_name || '.' || co.conname,
                       c.object_kind, c.object_name
                  FROM pg_constraint co JOIN user_class c ON c.oid = co.conrelid
                  WHERE d.classoid = 'pg_constraint'::regclass AND co.oid = d.objoid
               ) k(kind, shown, name, owner_kind, owner_name)
  WHERE d.objsubid = 0
UNION ALL
SELECT format('internal triggers of %s%I disabled: %s', c.nspname, c.relname, count(*)),
       c.object_kind, c.object_name, NULL, NULL
  FROM pg_trigger t JOIN user_class c ON c.oid = t.tgrelid WHERE t.tgisinternal AND t.tgenabled = 'D'
  GROUP BY c.nspname, c.relname, c.object_kind, c.object_name
UNION ALL
SELECT format('sequence %s%I %s start %s increment %s min %s max %s cache %s%s owned by %s', c.nspname, c.relname,
              format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
              CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END,
              COALESCE((SELECT format('%I.%I', oc.relname, a.attname) FROM pg_depend dep
                          JOIN pg_class oc ON oc.oid = dep.refobjid
                          JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
                        WHERE dep.objid = c.oid AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'a'),
                       'nothing')),
       c.object_kind, c.object_name, c.owner_kind, c.owner_name
  FROM pg_sequence s JOIN user_class c ON c.oid = s.seqrelid
)sql";

// Kinds of object migc does not model, in one schema (and the database-wide ones): the line,
// the object's kind and name as exclusion patterns name them. Extension members are the
// extension's, and not listed.
constexpr std::string_view unmodelled_sql = R"sql(
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = $1::text),
members AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e')
SELECT format('%s %I(%s)', CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END, p.proname,
              pg_get_function_identity_arguments(p.oid)),
       'aggregate', p.proname
  FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns) AND p.prokind IN ('a', 'w')
    AND (p.tableoid, p.oid) NOT IN (SELECT * FROM members)
UNION ALL
SELECT format('rule %I on %I', r.rulename, c.relname), 'rule', c.relname || '.' || r.rulename
  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
  WHERE c.relnamespace IN (SELECT oid FROM ns) AND r.rulename <> '_RETURN'
UNION ALL
SELECT format('statistics %I', s.stxname), 'statistics', s.stxname
  FROM pg_statistic_ext s WHERE s.stxnamespace IN (SELECT oid FROM ns)
UNION ALL
SELECT format('operator %s(%s, %s)', o.oprname, COALESCE(format_type(o.oprleft, NULL), 'none'),
              COALESCE(format_type(o.oprright, NULL), 'none')), 'operator', o.oprname
  FROM pg_operator o WHERE o.oprnamespace IN (SELECT oid FROM ns) AND (o.tableoid, o.oid) NOT IN (SELECT * FROM members)
UNION ALL
SELECT format('operator class %I using %s', o.opcname, a.amname), 'operator_class', o.opcname
  FROM pg_opclass o JOIN pg_am a ON a.oid = o.opcmethod
  WHERE o.opcnamespace IN (SELECT oid FROM ns) AND (o.tableoid, o.oid) NOT IN (SELECT * FROM members)
UNION ALL
SELECT format('collation %I', c.collname), 'collation', c.collname
  FROM pg_collation c WHERE c.collnamespace IN (SELECT oid FROM ns) AND (c.tableoid, c.oid) NOT IN (SELECT * FROM members)
UNION ALL
SELECT format('text search configuration %I', c.cfgname), 'text_search', c.cfgname
  FROM pg_ts_config c WHERE c.cfgnamespace IN (SELECT oid FROM ns) AND (c.tableoid, c.oid) NOT IN (SELECT * FROM members)
UNION ALL
SELECT format('text search dictionary %I', d.dictname), 'text_search', d.dictname
  FROM pg_ts_dict d WHERE d.dictnamespace IN (SELECT oid FROM ns) AND (d.tableoid, d.oid) NOT IN (SELECT * FROM members)
UNION ALL
SELECT format('conversion %I', c.conname), 'conversion', c.conname
  FROM pg_conversion c WHERE c.connamespace IN (SELECT oid FROM ns) AND (c.tableoid, c.oid) NOT IN (SELECT * FROM members)
UNION ALL
-- Range and base types; a range's multirange and every array type come with it.
SELECT format('type %I (%s)', t.typname, CASE t.typtype WHEN 'r' THEN 'range' ELSE 'base' END), 'type', t.typname
  FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM ns) AND t.typtype IN ('r', 'b') AND t.typcategory <> 'A'
    AND (t.tableoid, t.oid) NOT IN (SELECT * FROM members)
UNION ALL
SELECT format('event trigger %I on %s', e.evtname, e.evtevent), 'event_trigger', e.evtname
  FROM pg_event_trigger e WHERE (e.tableoid, e.oid) NOT IN (SELECT * FROM members)
UNION ALL
SELECT format('publication %I', p.pubname), 'publication', p.pubname FROM pg_publication p
UNION ALL
-- Privileges the language does not give, as PostgreSQL prints the access list: on an identity
-- column's sequence, on the columns of views, on the schema itself (where they are not its
-- default, or for `public` what initdb gives it); and the default privileges that objects
-- made later get, which the compiler's schema cannot know of.
SELECT format('privileges on sequence %I: %s', c.relname, array_to_string(c.relacl, ', ')), 'sequence', c.relname
  FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind = 'S' AND c.relacl IS NOT NULL
    AND )sql" MIGC_NOT_HISTORY_RELATION_SQL R"sql(    AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i')
UNION ALL
SELECT format('privileges on column %I.%I: %s', c.relname, a.attname, array_to_string(a.attacl, ', ')), 'column', c.relname || '.' || a.attname
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  -- Of a view, a materialized view or a foreign table: a table's are in the snapshot.
  WHERE c.relnamespace IN (SELECT oid FROM ns) AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
    AND c.relkind NOT IN ('r', 'p')
UNION ALL
SELECT format('privileges on schema %I: %s', n.nspname, array_to_string(n.nspacl, ', ')), 'schema', n.nspname
  FROM pg_namespace n
  -- The current schema's: those of a schema the chain makes are in the snapshot.
  WHERE n.oid IN (SELECT oid FROM ns) AND n.nspacl IS NOT NULL AND n.nspname = current_schema()
    AND (SELECT array_agg(e ORDER BY e) FROM (SELECT x.grantee::text || ' ' || x.privilege_type AS e FROM aclexplode(n.nspacl) x) y)
        IS DISTINCT FROM
        CASE WHEN n.nspname = 'public'
             THEN (SELECT array_agg(e ORDER BY e) FROM unnest(ARRAY['0 USAGE', n.nspowner::text || ' CREATE', n.nspowner::text || ' USAGE']) e)
             ELSE (SELECT array_agg(e ORDER BY e)
                   FROM (SELECT x.grantee::text || ' ' || x.privilege_type AS e FROM aclexplode(acldefault('n', n.nspowner)) x) y) END
UNION ALL
SELECT format('default privileges of role %I%s on %s: %s', pg_get_userbyid(d.defaclrole),
              CASE WHEN d.defaclnamespace = 0 THEN '' ELSE format(' in schema %I', n.nspname) END,
              CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                   WHEN 'T' THEN 'types' ELSE 'schemas' END,
              array_to_string(d.defaclacl, ', ')),
       'default_privileges', pg_get_userbyid(d.defaclrole)
  FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
  WHERE d.defaclnamespace = 0 OR d.defaclnamespace IN (SELECT oid FROM ns)
UNION ALL
-- Grants on range and base types and on tables' row types, as PostgreSQL prints the access list
-- (those on enums, domains and composite types are the language's).
SELECT format('privileges on type %I: %s', t.typname, array_to_string(t.typacl, ', ')), 'type', t.typname
  FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM ns) AND t.typacl IS NOT NULL
    AND NOT (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND (SELECT r.relkind FROM pg_class r WHERE r.oid = t.typrelid) = 'c'))
UNION ALL
-- Comments on what snapshots do not hold: aggregates, domains' constraints, range and base types,
-- columns of views and composite types, identity and serial sequences, constraints' indexes.
SELECT format('comment on %s %s: %s', k.kind, k.name, quote_literal(d.description)), k.kind, k.raw
  FROM pg_description d,
       LATERAL (SELECT 'aggregate', format('%I(%s)', p.proname, pg_get_function_identity_arguments(p.oid)), p.proname
                  FROM pg_proc p WHERE d.classoid = 'pg_proc'::regclass AND p.oid = d.objoid AND p.pronamespace IN (SELECT oid FROM ns)
                    AND p.prokind IN ('a', 'w') AND (p.tableoid, p.oid) NOT IN (SELECT * FROM members)
                UNION ALL
                SELECT 'constraint', format('%I on domain %I', co.conname, t.typname), t.typname || '.' || co.conname
                  FROM pg_constraint co JOIN pg_type t ON t.oid = co.contypid
                  WHERE d.classoid = 'pg_constraint'::regclass AND co.oid = d.objoid AND co.connamespace IN (SELECT oid FROM ns)
                UNION ALL
                SELECT 'type', format('%I', t.typname), t.typname
                  FROM pg_type t WHERE d.classoid = 'pg_type'::regclass AND t.oid = d.objoid AND t.typnamespace IN (SELECT oid FROM ns)
                    AND t.typtype NOT IN ('e', 'c', 'd') AND (t.tableoid, t.oid) NOT IN (SELECT * FROM members)
                UNION ALL
                SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'index' END, format('%I', c.relname), c.relname
                  FROM pg_class c WHERE d.classoid = 'pg_class'::regclass AND c.oid = d.objoid AND c.relnamespace IN (SELECT oid FROM ns)
                    AND ((c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend o WHERE o.classid = 'pg_class'::regclass AND o.objid = c.oid
                                                        AND o.refclassid = 'pg_class'::regclass AND o.deptype IN ('a', 'i')))
                         OR EXISTS (SELECT 1 FROM pg_constraint ci WHERE ci.conindid = c.oid AND ci.contype IN ('p', 'u', 'x')))
               ) k(kind, name, raw)
  WHERE d.objsubid = 0
UNION ALL
SELECT format('comment on column %I.%I: %s', c.relname, a.attname, quote_literal(d.description)),
       CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view' ELSE 'type' END, c.relname
  FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
  WHERE d.objsubid > 0 AND c.relkind IN ('v', 'm', 'c') AND c.relnamespace IN (SELECT oid FROM ns)
    AND (c.tableoid, c.oid) NOT IN (SELECT * FROM members) AND ('pg_type'::regclass, c.reltype) NOT IN (SELECT * FROM members)
)sql";

}  // namespace

void without_jit(Connection& connection) { connection.execute("SET jit = off"); }

std::vector<CatalogLine> catalog_lines(Connection& connection, const std::optional<std::string>& only_schema) {
  without_jit(connection);
  const Result result = connection.execute(snapshot_sql, {only_schema});
  std::vector<CatalogLine> lines;
  for (int row = 0; row < result.rows(); ++row) {
    lines.push_back({std::string(result.value(row, 0)),
                     {std::string(result.value(row, 1)), std::string(result.value(row, 2))},
                     {std::string(result.value(row, 3)), std::string(result.value(row, 4))}});
  }
  std::sort(lines.begin(), lines.end(), [](const CatalogLine& a, const CatalogLine& b) { return a.text < b.text; });
  return lines;
}

std::vector<CatalogLine> unmodelled_lines(Connection& connection, const std::string& schema) {
  without_jit(connection);
  const Result result = connection.execute(unmodelled_sql, {std::optional<std::string>(schema)});
  std::vector<CatalogLine> lines;
  for (int row = 0; row < result.rows(); ++row) {
    lines.push_back({std::string(result.value(row, 0)), {std::string(result.value(row, 1)), std::string(result.value(row, 2))}, {}});
  }
  std::sort(lines.begin(), lines.end(), [](const CatalogLine& a, const CatalogLine& b) { return a.text < b.text; });
  return lines;
}

std::string catalog_snapshot(Connection& connection, const std::optional<std::string>& only_schema) {
  std::string snapshot;
  for (const auto& line : catalog_lines(connection, only_schema)) snapshot += line.text + "\n";
  return snapshot;
}

}  // namespace migc
