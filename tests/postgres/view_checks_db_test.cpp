// The compiler's verdict on statements about views, and on changes to what views read, against
// PostgreSQL's own: what the server refuses must fail the build, and what it takes must build.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include "compiler/chain.hpp"
#include "tests/postgres/scratch_database.hpp"

namespace migc {
namespace {

// Written the same in the language and in SQL.
constexpr std::string_view setup = R"sql(
create table account (id integer primary key, name text, balance numeric);
create view rich as select id, name from account where balance > 100;
create view richer as select r.id from rich r;
create materialized view names as select name from account;
create type berth as (x integer, y integer);
create table crate (id integer primary key, label text, place berth);
)sql";

struct Case {
  std::string statement;
  bool taken;
};

const std::vector<Case> cases = {
    {"create or replace view rich as select id, name, balance from account", true},
    {"create or replace view rich as select id from account", false},
    {"create or replace view rich as select name, id from account", false},
    {"create or replace view rich as select id::bigint as id, name from account", false},
    {"create or replace view rich as select id::integer as id, name::text as name from account", true},
    {"create or replace view rich as select id, name::varchar as name from account", false},
    {"create or replace view names as select name from account", false},
    {"create view rich as select 1", false},
    {"create view poor as select * from acount", false},
    {"create view poor as select nme from account", false},
    {"create view poor as select a.nme from account a", false},
    {"create view poor as select a.id, r.name from account a join rich r on r.id = a.id", true},
    {"create view poor as select * from names", true},
    {"drop table account", false},
    {"drop table account cascade", true},
    {"drop view rich", false},
    {"drop view rich cascade", true},
    {"create function f() returns bigint language sql stable begin atomic with richer as (select 1 as id) select count(*) from richer; end; "
     "drop view richer", true},
    {"create function f() returns bigint language sql stable begin atomic select count(*) from richer; end; drop view richer", false},
    {"drop view names", false},
    {"drop materialized view names", true},
    {"drop materialized view rich", false},
    {"alter table account drop column name", false},
    {"alter table account drop column balance", false},
    {"alter table account alter column id type bigint", false},
    {"alter table account alter column balance type integer", false},
    {"alter table account rename to client", true},
    {"alter view rich rename to wealthy", true},
    {"alter materialized view names rename to labels", true},
    {"refresh materialized view names", true},
    {"alter table account add column extra integer", true},
    // Grouping: a column outside aggregates is grouped, or its table's primary key is.
    {"create view poor as select name, count(*) from account group by name", true},
    {"create view poor as select id, name, count(*) from account group by id", true},
    {"create view poor as select name, balance, count(*) from account group by name", false},
    {"create view poor as select a.name, count(*) from account a", false},
    {"create view poor as select name, max(balance) from account group by name having max(balance) > 1", true},
    {"create view poor as select name, count(*) from account group by name having balance > 1", false},
    {"create view poor as select lower(name) as l, count(*) from account group by l", true},
    {"create view poor as select r.name, a.balance, count(*) from account a join rich r on r.id = a.id group by a.id, r.name", true},
    {"create view poor as select r.name, count(*) from account a join rich r on r.id = a.id group by r.id", false},
    {"create view poor as select name, sum(balance) over () from account group by name", false},
    {"create view poor as select name, count(*) from account group by 1", true},
    {"create materialized view poor as select name, balance from account group by name", false},
    {"create view poor as select name from account group by name order by balance", false},
    {"create view poor as select name as balance from account group by name order by balance", true},
    {"create view poor as select a.name from account a group by a.id order by a.balance", true},
    {"create view poor as select name, (select account.balance) from account group by name", false},
    {"create view poor as select name from account group by name having exists (select 1 from rich where rich.id = account.id)", false},
    {"create view poor as select name, (select count(account.balance) from rich) from account group by name", true},
    {"create view poor as select id, (select r.name from rich r where r.id = account.id) from account group by id", true},
    // A subquery may reuse the alias of a table around it.
    {"create view poor as select a.id from rich a where exists (select 1 from account a where a.balance > 1)", true},
    // A subquery's alias list renames the columns its `*` gives.
    {"create view poor as select * from (select * from account) l(aid); create view poorer as select aid from poor", true},
    {"create view poor as select * from account a, (select * from rich) l(rid, rname)", true},
    {"create view poor as select * from account a, (select * from rich) l(rid)", false},
    // Each `t.c` names an item of its own FROM list, by its alias where it has one.
    {"create view poor as select zz.name from account", false},
    {"create view poor as select account.name from account a", false},
    {"create view poor as select name from account group by zz.name", false},
    {"create view poor as select a.id from account a where zz.balance > 0", false},
    {"create view poor as select zz.* from account", false},
    {"create view poor as select j.balance from (account cross join names n) as j", true},
    {"create view poor as select account.name from (account cross join names n) as j", false},
    {"create view poor as select a.id from account a union all select zz.id from rich", false},
    {"create view poor as select j.id, r.name from account join rich r using (id) as j", true},
    {"create view poor as select j.id from (account join rich r using (id) as j) as k", false},
    // ... or of a level around it that the clause may see: a join's ON sees its two sides, a
    // subquery in FROM its neighbours only when LATERAL, a WITH query not the main FROM list.
    {"create view poor as select 1 as one from account a join rich r on r.id = zz.id", false},
    {"create view poor as select 1 as one from account a, rich r join names n on a.name = n.name", false},
    {"create view poor as select 1 as one from account a join (rich r join names n on a.name = n.name) on true", false},
    {"create view poor as select 1 as one from account a join (rich r join names n on r.name = n.name) on a.id = r.id", true},
    {"create view poor as select a.id from account a where exists (select 1 from rich where acount.id = rich.id)", false},
    {"create view poor as select a.id from account a where exists (select 1 from rich where a.id = rich.id)", true},
    {"create view poor as select a.id from account a where exists (select 1 from rich r join names n on a.name = n.name)", true},
    {"create view poor as select 1 as one from account a, (select * from rich where rich.id = a.id) s", false},
    {"create view poor as select 1 as one from account a, lateral (select * from rich where rich.id = a.id) s", true},
    {"create view poor as select 1 as one from account a, generate_series(1, a.id) g", true},
    // FOR SHARE OF names a FROM item; a table's row type is a type.
    {"create view poor as select a.id from account a for share of a", true},
    {"create view poor as select a.id from account a for share of account", false},
    {"create view poor as select a.id from account a for update of b", false},
    {"create view poor as select id from account for update", true},
    {"create view poor as select (a.*)::account as whole from account a", true},
    {"create view poor as select (r.*)::rich as whole from rich r", true},
    // `(c).f` of a composite column names one of its attributes.
    {"create type spot as (shelf integer, bay integer); create table box (id integer primary key, place spot); "
     "create view poor as select (place).shelf from box", true},
    {"create type spot as (shelf integer, bay integer); create table box (id integer primary key, place spot); "
     "create view poor as select (place).shelv from box", false},
    {"create type spot as (shelf integer, bay integer); create table box (id integer primary key, place spot); "
     "create view poor as select (b).place from box b", true},
    {"create type spot as (shelf integer, bay integer); create table box (id integer primary key, place spot); "
     "create view poor as select (b.place).shelv from box b", false},
    {"create type spot as (shelf integer, bay integer); create table box (id integer primary key, place spot); "
     "create view poor as select (b.place).shelf, (box.place).bay from box b, box", true},
    // Aggregates and window functions where PostgreSQL refuses them; set operations' widths.
    {"create view poor as select id from account where count(*) > 1 group by id", false},
    {"create view poor as select id from account group by id having count(*) > 1", true},
    {"create view poor as select id from account where exists (select count(*) from rich)", true},
    {"create view poor as select id from account group by count(*)", false},
    {"create view poor as select a.id from account a join rich r on count(*) > 0", false},
    {"create view poor as select id, row_number() over () as n from account", true},
    {"create view poor as select id from account where row_number() over () > 1", false},
    {"create view poor as select id from account group by id having rank() over () > 1", false},
    {"create view poor as select id from account union select id, name from rich", false},
    {"create view poor as select id from account union select id from rich", true},
    {"create view poor as select * from account union select id, name, 1 from rich", true},
    {"create view poor as select id from account union all values (1, 2)", false},
    {"create view poor as select id, name from account except select id from rich", false},
    {"create view poor as select * from account union all select * from rich", false},
    {"create view poor as select * from rich union all select r.* from rich r", true},
    {"create view poor as select a.*, 1 as n from account a union select r.*, 1, 2 from rich r", true},
    {"create view poor as select 1 as one from account where id in (select * from account union select * from rich)", false},
    {"create view poor as select id, name from account group by 2, 1", true},
    {"create view poor as select id, name from account group by 3", false},
    {"create view poor as select id, name from account order by 0", false},
    {"create view poor as select id from account union select id from rich order by 2", false},
    {"create view poor as select * from account order by 3", true},
    {"create view poor as select a.id from account a where exists (select 1 from (select 1 from rich where rich.id = a.id) s)", true},
    {"create view poor as select distinct on (zz.id) a.id from account a", false},
    {"create view poor as select a.id, rank() over w from account a window w as (partition by zz.id)", false},
    {"create view poor as with q as (select a.id from rich) select 1 as one from account a", false},
    {"create view poor as with q as (select r.id from rich r) select q.id from q", true},
    // A subquery's or a join's columns, named by its alias.
    {"create view poor as select s.id from (select id from account) s", true},
    {"create view poor as select s.nme from (select id, name from account) s", false},
    {"create view poor as select s.x from (select id as x from account) s", true},
    {"create view poor as select s.id from (select id from account) s(a)", false},
    {"create view poor as select s.a from (select id from account) s(a)", true},
    {"create view poor as select s.balance from (select * from account) s", true},
    {"create view poor as select s.balanse from (select * from account) s", false},
    {"create view poor as select s.name from (select a.* from account a, rich r) s", true},
    {"create view poor as select s.balance from (select r.* from account a, rich r) s", false},
    {"create view poor as select s.count from (select count(*) from account) s", true},
    {"create view poor as select s.\"?column?\" from (select id + 1 from account) s", true},
    {"create view poor as select s.id from (select id from account union select id from rich) s", true},
    {"create view poor as select s.name from (select id from account union select id from rich) s", false},
    {"create view poor as select j.balance from (account a join rich r using (id)) j", true},
    {"create view poor as select j.zzz from (account a join rich r using (id)) j", false},
    {"create view poor as select j.name from (account a join rich r using (id)) j", false},
    {"create view poor as select j.name from (account a join rich r on a.id = r.id) j", false},
    {"create view poor as select j.balance from (account a join rich r on a.id = r.id) j", true},
    {"create view poor as select s.x from (select id as x, name as x from account) s", false},
    {"create view poor as select v.column2 from (values (1, 'a'), (2, 'b')) v", true},
    {"create view poor as select v.column3 from (values (1, 'a'), (2, 'b')) v", false},
    {"create view poor as select v.label from (values (1, 'a')) v(n, label)", true},
    {"create view poor as select v.column1 from (values (1, 'a')) v(n, label)", false},
    {"create view poor as select v.column1 from (values (1, 2), (3)) v", false},
    // An alias list renames a table's or a join's first columns, and may not name more than it has.
    {"create view poor as select x.a, x.name from account as x(a)", true},
    {"create view poor as select x.id from account as x(a)", false},
    {"create view poor as select j.k from (account a join rich r using (id)) as j(k)", true},
    {"create view poor as select j.id from (account a join rich r using (id)) as j(k)", false},
    {"create view poor as select * from (select 1 as a) as x(b, c)", false},
    {"create view poor as select a from account as x(a), rich", true},
    // A WITH query sees those before it in its list, unless RECURSIVE.
    {"create view poor as with a as (select * from b), b as (select 1 as x) select * from a", false},
    {"create view poor as with b as (select 1 as x), a as (select * from b) select * from a", true},
    {"create view poor as with recursive a as (select * from b), b as (select 1 as x) select * from a", true},
    {"create view poor as with a as (select * from a) select * from a", false},
    {"create view poor as with rich as (select * from rich) select * from rich", true},
    {"create view poor as select 1 as one from account a where exists (select s.nme from (select name from rich) s)", false},
    // A LATERAL item reads the items before it, and not across a right or full join.
    {"create view poor as select 1 as one from lateral (select a.id) s, account a", false},
    {"create view poor as select 1 as one from account a right join lateral (select a.id) s on true", false},
    {"create view poor as select 1 as one from account a full join lateral (select a.id) s on true", false},
    {"create view poor as select 1 as one from account a left join lateral (select a.id) s on true", true},
    {"create view poor as select 1 as one from account a cross join lateral (select a.id) s", true},
    {"create view poor as select 1 as one from account a join rich r on true, lateral (select r.id, a.id) s", true},
    {"create view poor as select 1 as one from generate_series(1, a.id) g, account a", false},
    {"create view poor as select 1 as one from account a, generate_series(1, a.id) g", true},
    {"create view poor as select (select a.id from rich limit 1) as x from account a", true},
    {"create view poor as select public.account.id from account", true},
    {"create view poor as select public.account.id from account a", false},
    {"create view poor as select public.rich.id from account a where exists (select 1 from rich where public.rich.id = a.id)", false},
    {"create view poor as select a.id from account a where exists (select 1 from rich where public.rich.id = a.id)", true},
    // An output's name is read only as a whole ORDER BY, GROUP BY or DISTINCT ON item.
    {"create view poor as select a.id as x from account a where x > 1", false},
    {"create view poor as select a.id as x from account a order by x + 1", false},
    {"create view poor as select a.id as x, x + 1 as y from account a", false},
    {"create view poor as select a.id as x from account a group by x having x > 1", false},
    {"create view poor as select a.id as x from account a order by x", true},
    {"create view poor as select a.id as x from account a group by x", true},
    {"create view poor as select distinct on (x) a.id as x from account a", true},
    {"create view poor as select a.id from account a where a.id in (select r.id as y from rich r order by y)", true},
    // A join's USING names a column of both sides.
    {"create view poor as select 1 as one from account a join rich r using (nosuch)", false},
    {"create view poor as select 1 as one from account a join rich r using (balance)", false},
    {"create view poor as select 1 as one from account a join rich r using (id, name)", true},
    {"create view poor as select 1 as one from (account a join rich r using (id)) join names n using (name)", false},
    {"create view poor as select 1 as one from (account a join rich r using (id, name)) join names n using (name)", true},
    {"create view poor as select 1 as one from (account a join rich r using (id)) join account b using (id)", true},
    // A view's column has a type PostgreSQL can keep: not an anonymous record.
    {"create view poor as select row(a.id, a.name) as r from account a", false},
    {"create view poor as select (a.id, a.name) as p from account a", false},
    {"create view poor as select array[row(1, 2)] as a", false},
    {"create view poor as select row(a.id, a.name) = row(1, 'x') as same from account a", true},
    // A table's system columns, which a view has none of.
    {"create view poor as select a.ctid, a.xmin, a.tableoid::regclass as t from account a", true},
    {"create view poor as select tableoid from account", true},
    {"create view poor as select r.ctid from rich r", false},
    // PostgreSQL's own catalogs.
    {"create view poor as select c.relname from pg_class c where c.relkind = 'r'", true},
    {"create view poor as select pid, state from pg_stat_activity", true},
    {"create view poor as select t.table_name from information_schema.tables t", true},
    {"create view poor as select c.relnme from pg_class c", false},
    {"create view poor as select 1 as one from pg_clas", false},
    // A level names each item once; an alias list fits its table; a set operation's ORDER BY
    // sees no branch's FROM list.
    {"create view poor as select 1 as one from account a, rich a", false},
    {"create view poor as select 1 as one from account a join rich a on true", false},
    {"create view poor as select 1 as one from account a where exists (select 1 from rich a)", true},
    {"create view poor as select x.p from account x(p, q, r)", true},
    {"create view poor as select x.p from account x(p, q, r, s)", false},
    {"create view poor as select a.id from account a union select r.id from rich r order by a.id", false},
    {"create view poor as select a.id from account a union select r.id from rich r order by id", true},
    // A bare name two items have is ambiguous; one an outer item has is written qualified, but
    // not through an alias a subquery takes for its own item.
    {"create view poor as select name, balance from account a join rich r on r.id = a.id", false},
    {"create view poor as select ctid, r.name from account a, account r", false},
    {"create view poor as select (select balance from rich a limit 1) as z, r.name from account a, rich r", true},
    {"create view poor as select (select balance from rich account limit 1) as z from account, names", true},
    {"create view poor as select a.id, (select count(*) from rich r where r.id = a.id), (select max(r.name) from rich r) from account a", true},
    {"create view poor as select (select r.name from rich r where r.id = a.id), a.id, b.id as bid from account a, account b order by name, a.id", true},
    {"create view poor as select a.name as title from account a union select r.name from rich r order by title", true},
    {"create view poor as select a.name as nm, count(*) from account a, rich r group by rollup (nm)", true},
    {"create view poor as select a.name as nm, count(*) from account a group by grouping sets ((nm), ())", true},
    {"create view poor as select id from account, names n", true},
    {"create view poor as select balance from account, rich", true},
    {"create materialized view poor as select ctid, id from account", false},
    {"create view poor as select oid, xmin, relname from pg_class", true},
    // A FROM item's name alone is its whole row.
    {"create view poor as select (a).id, (a).name as n from account a", true},
    {"create view poor as select (account).balance from account", true},
    {"create view poor as select (a).nme from account a", false},
    // PostgreSQL stops at the nearest item of that name, whether or not it has the column.
    {"create view poor as select a.id from account a where exists (select 1 from rich a where a.balance > 1)", false},
    {"create view poor as select a.id from rich a where exists (select 1 from account a where a.ctid is not null)", true},
    // `(c).*` of a composite column is its fields, fixed when the view is made.
    {"create view poor as select (c.place).* from crate c; create view poorer as select x, y from poor", true},
    {"create view poor as select (place).* from crate; create view poorer as select z from poor", false},
    {"create view poor as select (place).* from crate; alter type berth add attribute z integer; create view poorer as select z from poor", false},
    {"create view poor as select (place).*, 1 as x from crate", false},
    {"create view poor as select s.y from (select (place).* from crate) s", true},
    {"create view poor as select (c).* from crate c; create view poorer as select label, place from poor", true},
    // An alias list renames a table's or join's first columns, and keeps the rest.
    {"create view poor as select * from (account a join rich r using (id)) as j(k)", false},
    {"create view poor as select * from (account a join crate c using (id)) as j(k); create view poorer as select k, label from poor", true},
    {"create view poor as select * from account as k(a, b); create view poorer as select a, balance from poor", true},
    // A function's columns: its alias (a scalar result), or its OUT parameters, renamed by an
    // alias list; WITH ORDINALITY's; a column definition list's.
    {"create view poor as select * from crate c, generate_series(1, 3) as label", false},
    {"create view poor as select * from crate c, generate_series(1, 3) as g; create view poorer as select g, label from poor", true},
    {"create view poor as select j.key, j.value from json_each('{}') as j", true},
    {"create view poor as select j.nokey from json_each('{}') as j", false},
    {"create view poor as select * from json_each('{}') as j(k), account; create view poorer as select k, value, name from poor", true},
    {"create view poor as select * from json_each('{}') as j(k), account a(value)", false},
    {"create view poor as select * from generate_series(1, 3) with ordinality as g(n, i), crate; create view poorer as select n, i, label from poor", true},
    {"create view poor as select * from generate_series(1, 3) with ordinality as g, account a(ordinality)", false},
    {"create view poor as select t.a from json_to_record('{}') as t(a int, b text)", true},
    {"create view poor as select t.c from json_to_record('{}') as t(a int, b text)", false},
    {"create view poor as select * from unnest(array[1, 2]) as u, crate; create view poorer as select u, label from poor", true},
    // A `*` over a function returning a table's rows takes the columns the table has then.
    {"create function allt() returns setof account language sql stable as $$ select * from account $$; "
     "create view poor as select * from allt(); alter table account add column extra integer; create view poorer as select extra from poor", false},
    {"create function allt() returns setof account language sql stable as $$ select * from account $$; "
     "create view poor as select * from allt() a; alter table account add column extra integer; create view poorer as select a.id, balance from poor a", true},
    {"create view poor as select * from crate join generate_series(1, 3) g(id) using (id)", true},
    {"create view poor as select * from (crate cross join generate_series(1, 2) g) as j (a, b)", true},
    // DISTINCT ON matches the first ORDER BY items; a set operation orders by its result's
    // columns; a subquery gives as many columns as it is compared with; a window is defined;
    // LIMIT and OFFSET strings are numbers.
    {"create view poor as select distinct on (name) id from account order by id", false},
    {"create view poor as select distinct on (name) id from account order by name, id", true},
    {"create view poor as select distinct on (a.name, a.id) a.id from account a order by id, name, balance", true},
    {"create view poor as select distinct on (name) id from account order by balance, name", false},
    {"create view poor as select name from account union select name from rich order by id", false},
    {"create view poor as select name from account union select name from rich order by lower(name)", false},
    {"create view poor as select name from account union select name from rich order by name desc", true},
    {"create view poor as select id from account where id in (select id, name from rich)", false},
    {"create view poor as select id from account where (id, name) in (select id, name from rich)", true},
    {"create view poor as select id from account where (id, name) in (select id from rich)", false},
    {"create view poor as select (select id, name from rich limit 1) as r from account", false},
    {"create view poor as select array(select id from rich) as ids from account", true},
    {"create view poor as select sum(id) over w as s from account", false},
    {"create view poor as select sum(id) over w as s from account window w as (order by id)", true},
    {"create view poor as select sum(id) over (w rows 1 preceding) as s from account window w as (order by id)", true},
    {"create view poor as select sum(id) over (v) as s from account window w as (order by id)", false},
    {"create view poor as select id from account offset 'x'", false},
    {"create view poor as select id from account limit '5' offset ' 2 '", true},
    // A set operation's columns pair types of one category.
    {"create view poor as select id from account union select name from account", false},
    {"create view poor as select a.name from account a union all select r.id from rich r", false},
    {"create view poor as select id, name from account union select id, name::varchar from rich", true},
    {"create view poor as select id from account union select balance from account", true},
    {"create view poor as select id::text as t from account except select name from account", true},
    {"create view poor as select id from account union select '1' from account", true},
    {"create view poor as select id from account union select c.id from account a join crate c using (id)", true},
    {"create view poor as select balance from account union select x.id::boolean from account x", false},
    // A WITH list names each query once, at any level.
    {"create view poor as with a as (select 1 as x), a as (select 2 as x) select x from a", false},
    {"create view poor as select (with b as (select 1 as x), b as (select 2 as x) select x from b) as y", false},
    {"create view poor as with a as (select 1 as x) select (with a as (select 2 as x) select x from a) as y from a", true},
    // A WITH query read by name has the columns of its select list, renamed by its alias list.
    {"create view poor as with w as (select 1 as a) select b from w", false},
    {"create view poor as with w as (select id, name from account) select w.nme from w", false},
    {"create view poor as with w (x) as (select id, name from account) select id from w", false},
    {"create view poor as with w (x) as (select id, name from account) select x, name from w", true},
    {"create view poor as with w as (select * from account) select balanse from w", false},
    {"create view poor as with w as (select * from account) select balance, z.i from w as z (i)", true},
    {"create view poor as with w as (select * from account) select z.id from w as z (i)", false},
    {"create view poor as with w as (select id from account), u as (select * from w) select id from u", true},
    {"create view poor as with w as (select id from account), u as (select * from w) select idd from u", false},
    {"create view poor as with recursive r (n) as (select 1 union all select n + 1 from r where n < 5) select n from r", true},
    {"create view poor as with recursive r (n) as (select 1 union all select n + 1 from r where n < 5) select m from r", false},
    {"create view poor as with w as (select id from account) select (select name from account a where a.id = w.id) from w", true},
    {"create view poor as with w as (select id from account) select x from w, lateral (select id as x) s", true},
    {"create view poor as with w as (select id from account) select * from w join account using (id)", true},
    {"create view poor as with w as (select 1 as w) select w from w", true},
    {"create view poor as with w as (select id from account) select w from w", false},
    {"create view poor as select s from (select 1 as a) s", false},
    // SQL/XML functions name their columns as functions do.
    {"create view poor as select xmlelement from (select xmlelement(name foo) from account) s", true},
    {"create view poor as select xmlforest, xmlconcat from (select xmlforest(name), xmlconcat(null) from account) s", true},
    // String constants read as a type: cast to it, or compared with a column of it.
    {"create view poor as select id from account where id = 'abc'", false},
    {"create view poor as select id from account where id = ' 12 ' and balance > '1e300' and name = 'x'", true},
    {"create view poor as select id from account where balance between '1' and 'ten'", false},
    {"create view poor as select id from account where id in ('1', '2x')", false},
    {"create view poor as select '2024-02-30'::date as d", false},
    {"create view poor as select timestamptz '2024-01-01 10:00 Europe/London' as t", true},
    {"create view poor as select a.id from account a where exists (select 1 from crate c where a.id = 'x')", false},
    {"create view poor as select a.id from account a where exists (select 1 from crate c where c.label = 'x')", true},
    {"create view poor as select id from (select name as id from account) s where id = 'x'", true},
    {"create view poor as select 'x'::timestamp(0) as t", false},
    {"create view poor as select '{1,x}'::int[] as a", false},
    {"create view poor as select '{1,2}'::int[] as a, '12.5'::numeric(5,2) as n, 'abcdef'::varchar(2) as v", true},
    {"create view poor as select 'x'::pg_catalog.date as d", false},
    {"create view poor as select id from account where balance > '1' and now() - interval '1 dya' < now()", false},
    {"create view poor as select t::record as r from account t", true},
    {"create view poor as select null::record as r", false},
    // A recursive WITH query's shape, and SEARCH's and CYCLE's names.
    {"create view poor as with recursive w as (select * from w) select 1 as one from w", false},
    {"create view poor as with recursive w (n) as (select 1 union all select w.n + 1 from w left join account on true where w.n < 3) select n from w", true},
    {"create view poor as with recursive w (n) as (select 1 union all select w.n + 1 from account left join w on true where w.n < 3) select n from w", false},
    {"create view poor as with recursive w (n) as (select 1 union all (select n + 1 from w intersect select 2)) select n from w", true},
    {"create view poor as with recursive w (n) as (select 1 union all (select n + 1 from w intersect all select 2)) select n from w", false},
    {"create view poor as with recursive w (n) as (select 1 union all (select n + 1 from w except select 2)) select n from w", true},
    {"create view poor as with recursive w (n) as (select 1 union all (select 2 except select n + 1 from w)) select n from w", false},
    {"create view poor as with recursive w (n) as (select 1 union all select n from w group by n) select n from w", true},
    {"create view poor as with recursive w (n) as (select 1 union all select count(*) from w) select n from w", false},
    {"create view poor as with recursive w (n) as (select 1 union all select n + 1 from w where n < 3 limit 5) select n from w", false},
    {"create view poor as with w (n) as (select 1) search depth first by n set o select n from w", false},
    {"create view poor as with recursive w (n) as (select 1 union all select n + 1 from w where n < 3) search depth first by n, n set o select n from w", false},
    {"create view poor as with recursive w (n) as (select 1 union all select 2 from w where false) cycle n set n using p select 1 as x from w", false},
    {"create view poor as with recursive w (n) as (select 1 union all select n + 1 from w where n < 3) search depth first by n set o cycle n set c using o select n from w", false},
    {"create view poor as with recursive w (n) as (select 1 union all select n + 1 from w where n < 3) search depth first by n set o cycle n set c using p select n, c from w", true},
    // A record reaches a view's column by name: a WITH query's or subquery's record column,
    // SEARCH's or CYCLE's, its whole row in an array or a scalar subquery; fields and casts do not.
    {"create view poor as with recursive r (n) as (select 1 union all select n + 1 from r where n < 5) search depth first by n set o select n, o from r", false},
    {"create view poor as with recursive r (n) as (select 1 union all select n + 1 from r where n < 5) search breadth first by n set o select n from r", true},
    {"create view poor as with recursive r (n) as (select 1 union all select n + 1 from r where n < 5) cycle n set c using p select r.p from r", false},
    {"create view poor as with recursive r (n) as (select 1 union all select n + 1 from r where n < 5) cycle n set c using p select n, c from r", true},
    {"create view poor as with w as (select (id, name) as r from account) select r from w", false},
    {"create view poor as with w as (select (id, name) as r from account) select (r).f1 as first, r::text from w", true},
    {"create view poor as select x from (select * from (select row(1, 2) as x) s) q", false},
    {"create view poor as with w as (select id from account) select array_agg(w) from w", false},
    {"create view poor as with w as (select id from account) select (select w from w limit 1) as q", false},
    {"create view poor as select array_agg(a) from account a", true},
    {"create view poor as with w as (select account.*, row(1) as z from account) select * from w", false},
    {"create view poor as with w as (select account.*, row(1) as z from account) select w.id from w", true},
    {"create view poor as select zz from account as x (a)", false},
    // SELECT DISTINCT sorts by its outputs; GROUPING() needs a GROUP BY; rows through COALESCE,
    // CASE or `::record` are records.
    {"create view poor as select distinct id from account order by name", false},
    {"create view poor as select distinct id, name from account order by name", true},
    {"create view poor as select distinct id as k from account order by k", true},
    {"create view poor as select distinct id from account order by account.id", true},
    {"create view poor as select grouping(id) from account", false},
    {"create view poor as select grouping(id), count(*) from account group by id", true},
    {"create view poor as select coalesce(row(id, name), row(1, 'x')) as r from account", false},
    {"create view poor as select row(id, name)::record as r from account", false},
    // A WITH query's body reads its own name, and those after it, as tables' (unless recursive).
    {"create view poor as with account as (select id * 2 as id2 from account) select id2 from account", true},
    {"create view poor as with a as (select id from rich), rich as (select 1 as x) select id from a", true},
    {"create view poor as with a as (select x from rich), rich as (select 1 as x) select x from a", false},
    {"create view poor as with w (x, y) as (select 1) select x from w", false},
    {"create view poor as with w (x, y) as (select 1, 2) select x from w", true},
    {"create view poor as with w as (delete from account returning id) select id from w", false},
    {"create view poor as with w as (select id, name as id from account) select id from w", false},
    {"create view poor as select id from (select id, name as id from account) s", false},
    // DISTINCT and set operations without ALL compare rows: each column's type needs equality.
    {"create view poor as select distinct '(1,2)'::point as p from account", false},
    {"create view poor as select '{}'::json as j union select '{}'::json", false},
    {"create view poor as select '{}'::json as j union all select '{}'::json", true},
    {"create view poor as select distinct '{}'::jsonb as j", true},
    {"create view poor as select distinct on (id) id, '(1,2)'::point as p from account", true},
    {"create view poor as select distinct c.place, c.label from crate c", true},
    {"create view poor as select distinct '<a/>'::xml as x", false},
    // Expressions typed as PostgreSQL reads them, at each level of the query.
    {"create view poor as select id from account where name > 0", false},
    {"create view poor as select id from account where balance", false},
    {"create view poor as select a.id from account a join rich r on a.id + 1", false},
    {"create view poor as select sum(name) as s from account", false},
    {"create view poor as select max(balance) as m, avg(account.id) as a, string_agg(account.name, ',') as s, min(r.name) as n from account, rich r", true},
    {"create view poor as select name from account group by name having sum(balance)", false},
    {"create view poor as select name from account group by name having sum(balance) > 1 and count(*) > 0", true},
    {"create view poor as select length(id) as l from account", false},
    {"create view poor as select name::integer as n from account", true},
    {"create view poor as select balance::jsonb as j from account", false},
    {"create view poor as select (c.place).x + 1 as x, c.place::text as p from crate c", true},
    {"create view poor as select id from account where exists (select 1 from rich r where r.name + 1 > 0)", false},
    {"create view poor as select id from account where exists (select 1 from crate c where account.name > 0)", false},
    {"create view poor as select 1 as one from account a where exists (select 1 from crate a where a.label > 'x')", true},
    {"create view poor as select 1 as one from account where exists (select 1 from crate where name > 0)", false},
    {"create view poor as select 1 as one from crate where exists (select 1 from account where label > 0)", false},
    {"create view poor as select 1 as one from account where exists (select 1 from rich where name > 'a')", true},
    {"create view poor as select id from account where name = any(array['a', 'b']) and balance between 1 and 2", true},
    // Values brought to one type: CASE, COALESCE, GREATEST, LEAST, ARRAY.
    {"create view poor as select case when balance > 0 then id else name end as x from account", false},
    {"create view poor as select coalesce(balance, name) as x from account", false},
    {"create view poor as select greatest(id, 'x'::text) as x from account", false},
    {"create view poor as select array[id, balance > 0] as x from account", false},
    {"create view poor as select coalesce(array[id], array[name]) as x from account", false},
    {"create view poor as select case when balance > 0 then id else 2.5 end + 1 as a, coalesce(a.name, 'x') || 'y' as b, "
     "greatest(id, balance, 1) as c, array[id, 2.5] as d, least(r.name, a.name) as e from account a join rich r using (id)", true},
    // ORDER BY needs an ordering of its type, GROUP BY an equality.
    {"create view poor as select id from account order by ('(1,' || id || ')')::point", false},
    {"create view poor as select count(*) as n from account group by ('(1,' || id || ')')::point", false},
    {"create view poor as select count(*) as n from account group by name::json", false},
    {"create view poor as select count(*) as n from account group by name::jsonb", true},
    {"create view poor as select name from account order by name, balance desc, id + 1", true},
    {"create view poor as select name::json as name from account order by name", false},
    {"create view poor as select '(1,2)'::point as p from account order by 1", false},
    // A recursive WITH query's columns keep its non-recursive term's types and modifiers.
    {"create view poor as with recursive t(n) as (select id from account union all select n + 1::bigint from t where n < 3) select n from t", false},
    {"create view poor as with recursive t(n) as (select 1 union all select n + 1 from t where n < 3) select n from t", true},
    {"create view poor as with recursive t(n) as (select name::varchar(5) from account union all select n || 'x' from t where false) select n from t", false},
    {"create view poor as with recursive t(n) as (select balance from account union all select n * 2 from t where false) select n from t", true},
    {"create view poor as with recursive t(n) as (select null union all select 1 from t where false) select n from t", false},
    {"create view poor as with recursive t(n, s) as (select id, name from account union all select n + 1, s || 'x' from t where n < 3) select n, s from t", true},
    {"create view poor as with recursive t(n) as (select balance::numeric(8, 2) from account union all select b.balance::numeric(8, 2) from t, account b "
     "where false) select n from t", true},
    // Window and aggregate calls: their arguments, FILTER, DISTINCT, PARTITION BY and ORDER BY.
    {"create view poor as select id, sum(name) over () as s from account", false},
    {"create view poor as select id, max(name::json) over () as s from account", false},
    {"create view poor as select id, round(sum(id::float8) over (), 2) as s from account", false},
    {"create view poor as select id, lag(balance, 1, 'x') over (order by id) as s from account", false},
    {"create view poor as select id, lead(name, 1, 0) over (order by id) as s from account", false},
    {"create view poor as select id, ntile('x') over () as s from account", false},
    {"create view poor as select id, first_value(id) over () + 'x' as s from account", false},
    {"create view poor as select id, row_number() over (partition by name::json) as q from account", false},
    {"create view poor as select id, row_number() over (order by ('(1,' || id || ')')::point) as q from account", false},
    {"create view poor as select count(distinct name::json) as c from account", false},
    {"create view poor as select count(*) filter (where id) as c from account", false},
    {"create view poor as select string_agg(name, ',' order by ('(1,' || id || ')')::point) as s from account", false},
    {"create view poor as select name from account group by name having count(*)", false},
    {"create view poor as select id, lag(balance, 1, 2) over (order by id) as a, lag(id, 1, 2.5) over (order by id) as b, "
     "first_value(id) over () + '1' as c, ntile(4) over (partition by name order by balance desc) as d from account", true},
    {"create view poor as select count(*) filter (where id > 0) as c, count(distinct name) as d, string_agg(name, ',' order by balance) as s, "
     "array_length(array_agg(id), 1) as l, pg_typeof(max(id)) as t from account", true},
    {"create view poor as select id, sum(balance) over w as s, first_value(name) over (order by id rows between 1 preceding and current row) as f "
     "from account window w as (order by id)", true},
    // Columns of subqueries and WITH queries in FROM, and views' computed columns, typed in turn.
    {"create view poor as with w as (select id, name as nn from account) select id, nn * 2 as x from w", false},
    {"create view poor as select s.id from (select id, name::json as j from account) s where s.j > 0", false},
    {"create view poor as select t.id from account t left join lateral (select r.name as val from rich r where r.id = t.id) x on x.val", false},
    {"create view poor as select x from (select 'a' as x) s where x > 0", false},
    {"create view poor as with w as (select id, name from account), v as (select name as q from w) select q * 2 as d from v", false},
    {"create view poor as select s.c from (select count(*) as c from account) s where s.c", false},
    {"create view poor as select a + 1 as b from (select id, name from account) s(a, c)", true},
    {"create view poor as select s.c + 1 as d, s.l || 'x' as e from (select count(*) as c, lower(name) as l from account group by name) s "
     "where s.c > 1", true},
    {"create view poor as select id, lower(name) as l from account; create view poorer as select l + 1 as m from poor", false},
    {"create view poor as select id, balance * 2 as b from account; create view poorer as select id from poor where b", false},
    {"create view poor as select id, balance * 2 as b, id > 1 as big from account; create view poorer as select b || 'x' as c from poor where big", true},
    {"create view poor as select id, balance + 1 as b from account; create or replace view poor as select id, (balance + 1)::integer as b from account", false},
    {"create view poor as select id, balance + 1 as b from account; create or replace view poor as select id, balance - 1 as b, 2 as c from account", true},
    // Set operations: branches' computed columns of one category; an untyped string read as the other branch's type.
    {"create view poor as select id from account union select 'x'", false},
    {"create view poor as select 'x' as a union select id from account", false},
    {"create view poor as select id from account union select '5'", true},
    {"create view poor as select lower(name) as a from account union select id + 1 from account", false},
    {"create view poor as select count(*) as a from account union select max(balance) from account", true},
    {"create view poor as select count(*) as a from account union all select max(name) from account", false},
    {"create view poor as select array[id] as a from account union select id from account", false},
    {"create view poor as select place as a from crate union select null", true},
    // Subqueries as values: a scalar one is its output's type, ARRAY(...) an array of it, IN / ANY / ALL compare with it.
    {"create view poor as select id from account where id in (select name from account)", false},
    {"create view poor as select id from account where id in (select r.id from rich r)", true},
    {"create view poor as select id, id + (select max(name) from account) as s from account", false},
    {"create view poor as select id, balance + (select max(id) from account) as s from account", true},
    {"create view poor as select array(select name from account) || 5 as q", false},
    {"create view poor as select id from account where (select count(*) from account)", false},
    {"create view poor as select id from account where id in (select 'x')", false},
    {"create view poor as select id from account where id > all (select balance from account) and exists (select 1 from rich)", true},
    {"create view poor as select id from account where (id, name) in (select id, name from rich)", true},
    // GROUP BY reads a bare name as an input column first.
    {"create table docs (id integer primary key, body json); create view poor as select body from docs group by body", false},
    {"create table docs (id integer primary key, body json); create view poor as select body::jsonb as body from docs group by body", false},
    {"create table docs (id integer primary key, body json); create view poor as select body::jsonb as b from docs group by b", true},
    {"create view poor as select name as balance, count(*) as n from account group by balance, name", true},
    // DISTINCT ON needs an equality of what it compares; a bare name there is an output's first.
    {"create table docs (id integer primary key, body json); create view poor as select distinct on (body) id from docs", false},
    {"create table docs (id integer primary key, body json); create view poor as select distinct on (1) body from docs", false},
    {"create table docs (id integer primary key, body json); create view poor as select distinct on (body) body::jsonb as body from docs", true},
    {"create view poor as select distinct on (id) id, name from account order by id, balance", true},
    {"create view poor as select 1 as l; create or replace view poor as select 1.5 as l", false},
    {"create view poor as select 1 as l, true as b; create or replace view poor as select 2 as l, false as b", true},
    // A view's options, and WITH CHECK OPTION only where PostgreSQL would update the view itself.
    {"create view guarded with (security_barrier) as select id, name from account", true},
    {"create view guarded with (security_barrier = off, security_invoker = on) as select id from account where balance > 0 with local check option", true},
    {"create view guarded as select id from account with check option", true},
    {"create view guarded with (check_option = cascaded) as select id, name from account where id > 0", true},
    {"create view guarded as select id, count(*) as n from account group by id with check option", false},
    {"create view guarded with (check_option = local) as select distinct name from account", false},
    {"create view guarded as select name from account union select name from account with check option", false},
    {"create view guarded as select a.id from account a join account b using (id) with check option", false},
    {"create view guarded as select id, sum(balance) over () as s from account with check option", false},
    {"create view guarded as select max(id) as m from account with check option", false},
    {"create view guarded as select id from account limit 5 with cascaded check option", false},
    {"create view guarded with (fillfactor = 70) as select id from account", false},
    {"create view guarded with (security_barrier = maybe) as select id from account", false},
    {"create view guarded with (check_option = nearby) as select id from account", false},
    {"create materialized view guarded with (security_barrier) as select id from account", false},
    {"create view guarded as select id from account; create or replace view guarded with (security_barrier) as select id from account", true},
    {"create view guarded with (security_barrier) as select id from account; alter view guarded set (check_option = local, security_invoker); "
     "alter view guarded reset (security_barrier)", true},
    {"create view guarded as select id, count(*) as n from account group by id; alter view guarded set (check_option = local)", false},
    {"create view guarded as select id from account; alter view guarded reset (fillfactor)", true},
    {"create view guarded as select id, generate_series(1, 2) as g from account with check option", false},
    // What PostgreSQL computes takes `default`, and nothing else, from an insert.
    {"create table gen (id integer primary key, g integer generated always as (id * 2) stored, k integer generated always as identity); insert into gen (id, g, k) values (1, default, default)", true},
    {"create table gen (id integer primary key, g integer generated always as (id * 2) stored, k integer generated always as identity); insert into gen values (1, default, DEFAULT), (2, default, default)", true},
    {"create table gen (id integer primary key, g integer generated always as (id * 2) stored, k integer generated always as identity); insert into gen (id, g) values (1, 2)", false},
    {"create table gen (id integer primary key, g integer generated always as (id * 2) stored, k integer generated always as identity); insert into gen (id, k) values (1, 5)", false},
    {"create table gen (id integer primary key, g integer generated always as (id * 2) stored, k integer generated always as identity); insert into gen (id, g) values (1, default), (2, 4)", false},
    {"create table gen (id integer primary key, g integer generated always as (id * 2) stored, k integer generated always as identity); insert into gen (id, g) values (1, (default))", true},
    {"create table nn (id integer primary key, s text not null, n integer); insert into nn (id, s) values (1, default)", false},
    {"create table nn (id integer primary key, s text not null, n integer); insert into nn (id, s, n) values (1, 'a', default)", true},
    {"create table nn (id integer primary key, s text not null, n integer); insert into nn (id, s) values (1, lower(default))", false},
    {"create table nn (id integer primary key, s text not null, n integer); insert into nn (id, s, n) values (1, 'a', coalesce(default, 1))", false},
    {"create materialized view mm as select id from account; alter view mm rename column id to ident", true},
    {"create view vv as select id from account; alter materialized view vv rename column id to ident", true},
    {"create view poor as select unnest(array[1]) between 1 and 2 as b", false},
    {"create view poor as select unnest(array[1]) not between 1 and 2 as b", false},
    // Where a set-returning function may stand (0A000 elsewhere, 42804 as an operand of IN or NOT).
    {"create view poor as select case when id > 0 then generate_series(1, 2) end as g from account", false},
    {"create view poor as select case generate_series(1, 2) when 1 then 1 end as g from account", false},
    {"create view poor as select coalesce(unnest(array[1]), 1) as g", false},
    {"create view poor as select case when true then 1 else coalesce(2, generate_subscripts(array[1], 1)) end as g", false},
    {"create view poor as select case when true then (select generate_series(1, 2)) end as g", true},
    {"create view poor as select nullif(generate_series(1, 2), 1) as g, greatest(generate_series(1, 2), 1) as h", true},
    {"create view poor as select id from account where generate_series(1, 2) > 0", false},
    {"create view poor as select id from account group by generate_series(1, 2), id", true},
    {"create view poor as select id from account order by generate_series(1, 2)", true},
    {"create view poor as select count(generate_series(1, 2)) as n from account", false},
    {"create view poor as select count(*) over (partition by generate_series(1, 2)) as n from account", true},
    {"create view poor as select id from account group by id having generate_series(1, 2) > 0", false},
    {"create view poor as select id from account limit generate_series(1, 2)", false},
    {"create view poor as select * from (values (generate_series(1, 2))) x", false},
    {"create view poor as select abs(generate_series(1, 2)) as a, generate_series(1, generate_series(1, 2)) as b, array[generate_series(1, 2)] as c", true},
    {"create view poor as select 1 in (generate_series(1, 2)) as i", false},
    {"create view poor as select not (generate_series(1, 2) > 0) as n", false},
    {"create view poor as select a.id from account a join account b on generate_series(1, 2) > 0", false},
    {"create view poor as select distinct on (generate_series(1, 2)) id from account", true},
    {"create view poor as select count(*) filter (where generate_series(1, 2) > 0) as n from account", false},
    {"create view poor as select * from abs(generate_series(1, 2))", false},
    {"create view poor as select (unnest(array[1]), 1) = (1, 1) as r", false},
    {"create view poor as select (unnest(array[1]), 1) is distinct from (1, 1) as r", true},
    {"create view poor as select (1, 2) < (3, 4) as r", true},
    {"create view poor as select * from account tablesample system (generate_series(1, 2))", false},
    {"create view poor as select * from account tablesample bernoulli (10) repeatable (generate_series(1, 2))", false},
    {"create view poor as select * from account tablesample bernoulli (10) repeatable (1)", true},
    {"create view poor as select abs(id) filter (where id > 0) as r from account", false},
    {"create view poor as select row_number() filter (where id > 0) over () as r from account", false},
    {"create view poor as select count(*) filter (where id > 0) as r from account", true},
    {"create view poor as select abs(distinct id) as r from account", false},
    {"create view poor as select abs(id order by id) as r from account", false},
    {"create view poor as select abs(id) over () as r from account", false},
    {"create view poor as select abs(id) within group (order by id) as r from account", false},
    {"create view poor as select rank(1) within group (order by id) as r, percentile_cont(0.5) within group (order by id) as p from account", true},
    {"create view poor as select string_agg(name, ',' order by name) as r from account", true},
    {"create function one() returns integer language sql stable as $$ select 1 $$; create view poor as select one() filter (where true) as g",
     false},
    {"create view poor as select sum(id) filter (where id > 0) over () as s from account", true},
    // The chain's own `returns setof` and `returns table` functions are set-returning too.
    {"create function ids() returns setof integer language sql stable as $$ select id from account $$; "
     "create view poor as select case when true then ids() end as g",
     false},
    {"create function ids() returns table (n integer) language sql stable as $$ select id from account $$; "
     "create view poor as select 1 as one from account where public.ids() > 0",
     false},
    {"create function ids() returns setof integer language sql stable as $$ select id from account $$; "
     "create view poor as select ids() as g, 1 + ids() as h",
     true},
    {"create function one() returns integer language sql stable as $$ select 1 $$; create view poor as select coalesce(one(), 1) as g",
     true},
    {"create view poor as select json_agg(x) as j from (select generate_series(1, 2) as x) s", true},
    // Compared with a subquery, or row by row: each comparison one value. Two or more list
    // elements that read no column become one `= any (array[...])`, which takes a set.
    {"create view poor as select generate_series(1, 2) in (select 1) as c", false},
    {"create view poor as select generate_series(1, 2) < all (select 1) as c", false},
    {"create view poor as select (unnest(array[1]), 1) in ((1, 1)) as c", false},
    {"create view poor as select (unnest(array[1]), 1) not in ((1, 1), (2, 2)) as c", false},
    {"create view poor as select (unnest(array[1]), 1) in (select 1, 1) as c", false},
    {"create view poor as select 1 in (generate_series(1, 2), 2) as c", true},
    {"create view poor as select generate_series(1, 2) in (1, 2) as c", true},
    {"create view poor as select 1 in (generate_series(1, 2), 2, id) as c from account", true},
    {"create view poor as select 1 in (generate_series(1, 2), id) as c from account", false},
    {"create view poor as select generate_series(1, 2) in (1) as c", false},
    {"create view poor as select 1 in (generate_series(1, 2), 2) is true as c", false},
    {"create view poor as select 1 in (generate_series(1, 2), (select a.id from crate c limit 1)) as c from account a", false},
    {"create view poor as select 1 in (generate_series(1, 2), (select c.id from crate c limit 1)) as c", true},
    {"create view poor as select $1 as c", false},
    {"create view poor as select id from account tablesample bernoulli (10, 20)", false},
    {"create view poor as select id from account tablesample nosuch (10)", false},
    {"create view poor as select c.label from crate c join (select id from account) a using (id); alter table crate drop column id", false},
    {"create function top() returns crate language sql stable as $$ select * from crate limit 1 $$; "
     "create view poor as select (top()).label; alter table crate drop column label", false},
    // TABLESAMPLE's arguments: no aggregate, window function or column of the query's own FROM.
    {"create view poor as select id from account tablesample bernoulli (count(*))", false},
    {"create view poor as select id from account tablesample system (10) repeatable (row_number() over ())", false},
    {"create view poor as select id from account tablesample system (id)", false},
    {"create view poor as select a.id from crate c, account a tablesample system (c.id)", false},
    {"create view poor as select (select count(*) from account tablesample system (c.id)) as n from crate c", true},
    // A field of a table's row reached through a subquery's column or a cast: PostgreSQL keeps
    // the column as a dependency.
    {"create view poor as select (s.x).label from (select c as x from crate c) s; alter table crate drop column label", false},
    {"create view poor as select ((c.*)::crate).label from crate c; alter table crate alter column label type varchar(5)", false},
    {"create view poor as select ((c.*)::crate).label from crate c; alter table crate drop column place", true},
    // `op ANY/ALL (array)` takes an array only.
    {"create view poor as select id from account where 1 = any (id)", false},
    {"create view poor as select id from account where 1 = any (array[id]) and 'x' <> all (array[name])", true},
    // A column's type reaches through a `*`.
    {"create view poor as select sum(name) as s from (select * from account) a", false},
    {"create view poor as with w as (select * from account) select sum(name) as s from w", false},
    {"create view poor as select sum(label) as s from (select c.*, a.* from crate c, account a where a.id = c.id) x", false},
    {"create view poor as select sum(balance) as s, sum(one) as t from (select *, 1 as one from account) a", true},
    // A subquery's width through its `*`: one column as a value, as many as compared in IN/ANY.
    {"create view poor as select (select * from account limit 1) as a", false},
    {"create view poor as select array(select * from rich) as a", false},
    {"create view poor as select id from account where id in (select * from rich)", false},
    {"create view poor as select id from account where (id, name, balance) = any (select * from rich)", false},
    {"create view poor as select id from account where (id, name) in (select * from rich)", true},
    {"create view poor as select (select * from names limit 1) as a", true},
    {"create view poor as select id from account where id in (select * from richer union select 1)", true},
    // A row compared with a subquery takes as many columns as the row has.
    {"create view poor as select 1 as k where row(1, 'a', 2.5) = (select * from account limit 1)", true},
    {"create view poor as select 1 as k where (1, 'a') < (select id, name from account limit 1)", true},
    {"create view poor as select 1 as k where (1, 'a') = (select * from account limit 1)", false},
    // TABLESAMPLE samples a table or a materialized view only.
    {"create view poor as select id from richer tablesample system (10)", false},
    {"create view poor as with w as (select 1 as id) select id from w tablesample system (10)", false},
    {"create view poor as select name from names tablesample bernoulli (10)", true},
    // A name that a subquery of its own level or one around it answers is not a table's column.
    {"create view poor as select label from (select 'q' as label) y union all select 'z' from crate; alter table crate drop column label", true},
    {"create view poor as select (select label from (select 1 as label) y) as k from crate; alter table crate drop column label", true},
    {"create view poor as select x.k from (select label as k from (select 'q' as label) y) x, crate; alter table crate drop column label", true},
    {"create view poor as select (select label from names) as k from crate; alter table crate drop column label", false},
    // A table's row type named as a type binds the view to the table.
    {"create view poor as select null::crate as c; drop table crate", false},
    {"create view poor as select (x).label from (select null::public.crate as x) s; drop table crate", false},
    // A set operation's columns have its branches' common type.
    {"create view poor as select sum(n) as s from (select name as n from account union all select name from account) s", false},
    {"create view poor as select n + 1 as s from (select 'a' as n union all select '1') s", false},
    {"create view poor as with w as (select id as n from account union all select id from crate) select upper(n) as s from w", false},
    {"create view poor as select sum(n) as s from (select id as n from account union all select 1.5 union select null) s", true},
    {"create view poor as select upper(n) as s from (select name as n from account intersect select label from crate) s", true},
    // A recursive WITH query's columns have its non-recursive term's types, inside it and out.
    {"create view poor as with recursive r(n) as (select name from account union all select n + 1 from r where n < 3) select n from r", false},
    {"create view poor as with recursive r(n) as (select name from account union all select n from r) select sum(n) as s from r", false},
    {"create view poor as with recursive r(n) as (select 'a' union all select n || 'b' from r where length(n) < 3) select n from r", true},
    {"create view poor as with recursive r(n, m) as (select id, name from account union all select n + 1, m || 'x' from r where n < 3) "
     "select n * 2 as d, upper(m) as u from r", true},
    // An ARRAY cast to an array type makes each element a value of its element type.
    {"create view poor as select array['a']::integer[] as a", false},
    {"create view poor as select array[array['1'], array['x']]::integer[] as a", false},
    {"create view poor as select array['1', null, array['2']::text]::integer[] as a", true},
    {"create view poor as select array['1', '2']::integer[] as a, array['{1}']::text[] as b", true},
    // `public.` before a name pg_catalog has too stays: unqualified, it would be the built-in one.
    {"create table text (id integer); create view poor as select (null::public.text).id as i", true},
    // A WITH query defined inside a subquery names its rows there only.
    {"create view poor as select * from crate where exists (with crate as (select 1 as zz) select 1); alter table crate drop column label", false},
    {"create view poor as select * from crate, (with crate as (select 2 as zz) select zz as y from crate) s; "
     "create view poorer as select zz from poor", false},
    {"create view poor as select * from crate, (with crate as (select 2 as zz) select zz as y from crate) s; "
     "create view poorer as select label, y from poor", true},
    {"create view poor as select crate.label from crate where exists (with crate as (select 1 as zz) select zz from crate)", true},
    {"create view poor as select * from crate, (with crate as (select 1 as zz) select * from crate) s", true},
    {"create view guarded as select id, name from names with check option", false},
    {"create view guarded as select id from account; alter view guarded set (security_invoker = perhaps)", false},
    // A bare name in a subquery is its own FROM list's column first, whatever the levels around have.
    {"create table lid (id integer, label text); create view poor as select (select label from lid limit 1) as q from crate; "
     "alter table lid drop column label", false},
    {"create table lid (id integer, label text); create view poor as select (select label from lid limit 1) as q from crate; "
     "alter table crate drop column label", true},
    {"create table lid (id integer, label text); create view poor as select 1 as k from crate where label in (select label from lid); "
     "alter table lid alter column label type varchar(10)", false},
    // A view naming a table's row type as a type: the table's rows may not be computed again.
    {"create view poor as select null::crate as n; alter table crate alter column id type bigint", false},
    {"create view poor as select cast(null as crate[]) as n; alter table crate add column extra integer default 1", false},
    {"create view poor as select null::crate as n; alter table crate add column extra integer generated always as identity", false},
    {"create view poor as select null::crate as n; alter table crate add column extra integer; alter table crate drop column label", true},
    {"create view poor as select crate.label, row_to_json(crate) as j from crate; alter table crate alter column id type bigint", true},
    // Field notation applies to a composite value only.
    {"create view poor as select (id).id as x from crate", false},
    {"create view poor as select (place).x as x from crate", true},
    {"create view poor as select (crate.label).length as l, (label).upper as u from crate", true},
    // ALTER TABLE renames a view too.
    {"alter table rich rename to wealthy", true},
    // A rename follows what names the table, not an inner alias or WITH query of its old name.
    {"create view poor as select crate.id from crate where exists (select 1 from account crate where crate.id = 1); "
     "alter table crate rename to box; drop view poor", true},
    {"create view poor as select crate.id, s.x from crate, (select crate.id as x from account crate) s; "
     "alter table crate rename to box; drop view poor", true},
    {"create view poor as select x.crate from (select crate::text from crate) x; alter table crate rename to box; drop view poor", true},
    {"create view poor as select null::crate as n, crate.id from crate; alter table crate rename to text; drop view poor", true},
    // A whole row outside aggregates is grouped by itself or by its table's primary key.
    {"create view poor as select crate.id, row_to_json(crate) as j from crate group by crate.id", true},
    {"create table lid (id integer, label text); create view poor as select lid.id, row_to_json(lid) as j from lid group by lid.id", false},
    {"create table lid (id integer, label text); create view poor as select count(*) as c from lid group by lid.id having lid is not null", false},
    {"create table lid (id integer, label text); create view poor as select lid.* from lid group by lid.id", false},
    {"create table lid (id integer, label text); create view poor as select lid from lid group by lid", true},
    // A regclass constant is the relation itself: it must exist, and it is followed and depended on.
    {"create view poor as select 'crate'::regclass as r, 'pg_class'::regclass as c", true},
    {"create view poor as select 'nosuch'::regclass as r", false},
    {"create view poor as select 'crate'::regclass as r; drop table crate", false},
    {"create view poor as select 'crate'::regclass as r, 'public.crate'::regclass as q; alter table crate rename to box; drop view poor", true},
    {"create view poor as select regclass('crate') as r; drop table crate", false},
    {"create view poor as select regclass('nosuch') as r", false},
    {"create view poor as select regclass('crate') as r; alter table crate rename to box; drop view poor", true},
    // `*` over FROM functions and empty subqueries counts their columns.
    {"create view poor as select (select * from unnest(array[1], array[2])) as q", false},
    {"create view poor as select 1 as k where 1 in (select * from unnest(array[1]) with ordinality)", false},
    {"create view poor as select 1 as k where 1 in (select * from unnest(array[1]))", true},
    {"create view poor as select 1 as k where 1 in (select * from rows from (generate_series(1, 2), generate_series(1, 3)))", false},
    {"create view poor as select 1 as k where 1 in (select * from rows from (generate_series(1, 2)))", true},
    {"create view poor as select 1 as k where 1 in (select * from crate, lateral (select) s)", false},
    {"create view poor as select 1 as k where 1 in (select * from (select) s)", false},
    {"create view poor as select 1 as k where 1 in (select * from (select) s, (select 1) y)", true},
    {"create view poor as select array['a' collate \"C\"]::integer[] as a", false},
    // A record literal is read field by field, as the composite type's or the table's row's.
    {"create view poor as select '(1,2)'::berth as b, ' (1, 2) '::berth as c, '(,)'::berth as d", true},
    {"create view poor as select '(x,2)'::berth as b", false},
    {"create view poor as select '(1,2,3)'::berth as b", false},
    {"create view poor as select '(1)'::berth as b", false},
    {"create view poor as select '(1,2)x'::berth as b", false},
    {"create view poor as select '(1,\"a,b\",)'::crate as c, '(2,a,\"(1,2)\")'::crate as d", true},
    {"create view poor as select '(1,a,\"(1,x)\")'::crate as c", false},
    {"create view poor as select array['(1,2)']::berth[] as b", true},
    // A bare name is an output's name in ORDER BY, and a column at its own level before a whole row.
    {"create view poor as select crate.label as crate from crate order by crate limit 2; alter table crate rename to box; drop view poor", true},
    {"create table lid (crate integer); create view poor as select crate::text as y from crate where exists (select 1 from lid); "
     "alter table crate rename to box; drop view poor", true},
    {"create view poor as select s.crate from (select crate::text, crate.id from crate) s; alter table crate rename to box; drop view poor", true},
    {"create table lid (id integer, label text); create view poor as select lid.*, count(*) as c from lid group by lid.id, lid.label", true},
    // A column read through a join's alias or a table's alias list is the table's own.
    {"create table lid (id integer, a integer, b integer); create view poor as select j.a from (lid join crate using (id)) j; "
     "alter table lid drop column a", false},
    {"create table lid (id integer, a integer, b integer); create view poor as select j.a from (lid join crate using (id)) j; "
     "alter table lid drop column b", true},
    {"create table lid (id integer, a integer, b integer); create view poor as select j.id from (lid join crate using (id)) j; "
     "alter table crate alter column id type bigint", false},
    {"create table lid (id integer, a integer, b integer); create view poor as select s.r from lid as s(q, r); alter table lid drop column a", false},
    {"create table lid (id integer, a integer, b integer); create view poor as select s.r from lid as s(q, r); alter table lid drop column b", true},
    // A view reading columns its grouped primary key determines depends on the key.
    {"create table lid (id integer primary key, label text); create view poor as select lid.id, lid.label from lid group by lid.id; "
     "alter table lid drop constraint lid_pkey", false},
    {"create table lid (id integer primary key, label text); create view poor as select lid.id, count(*) as c from lid group by lid.id; "
     "alter table lid drop constraint lid_pkey", true},
};

bool builds(const std::string& statement, std::string& errors) {
  std::vector<SourceFile> files;
  files.emplace_back("001_root.mig", "revision '001' revises base;\n" + std::string(setup) + statement + ";\n");
  Diagnostics diagnostics;
  const auto chain = compile_chain(files, diagnostics);
  for (const auto& diagnostic : diagnostics.all()) errors += format_diagnostic(diagnostic);
  return chain.has_value();
}

bool server_takes(Connection& connection, const std::string& statement, std::string& error) {
  bool taken = true;
  try {
    connection.execute_script("BEGIN;\n" + std::string(setup) + statement + ";\n");
  } catch (const std::exception& refused) {
    taken = false;
    error = refused.what();
  }
  connection.execute("ROLLBACK");
  return taken;
}

TEST(ViewChecksOnServer, TheBuildRefusesExactlyWhatPostgresRefuses) {
  testing::ScratchDatabase database("view_checks");
  for (const auto& [statement, expected] : cases) {
    std::string errors;
    std::string refused;
    const bool built = builds(statement, errors);
    const bool taken = server_takes(database.connection(), statement, refused);
    EXPECT_EQ(built, taken) << statement << "\nmigc: " << (errors.empty() ? "builds" : errors)
                            << "\nPostgreSQL: " << (taken ? "takes it" : refused);
    // The list says what each case is, so that both halves stay what they claim.
    EXPECT_EQ(taken, expected) << statement << "\nPostgreSQL: " << (taken ? "takes it" : refused);
  }
}

std::string repeated(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// Generated SQL (ORMs, nested replace() chains) nests deep: as deep as PostgreSQL takes it, the
// build takes it too, and past where PostgreSQL's parser runs out, refuses it.
// What the build keeps of a view (its text, its `*` written out where PostgreSQL would freeze
// it) must make the same view on the server: the chain's head schema runs, and the view reads.
TEST(ViewChecksOnServer, TheKeptTextMakesTheView) {
  testing::ScratchDatabase database("view_kept_text");
  const std::vector<std::string> views = {
      // A WITH query inside a subquery names its own rows there, a table's elsewhere.
      "create view kept as with a as (select * from (with crate as (select 1 as x) select * from crate) s), crate as (select 2 as y) "
      "select * from a",
      "create view kept as select * from crate where exists (with crate as (select 1 as zz) select 1)",
      "create view kept as select * from crate, (with crate as (select 2 as zz) select zz as y from crate) s",
      "create view kept as select crate.label from crate where exists (with crate as (select 1 as zz) select zz from crate)",
      "create view kept as select * from (with recursive crate as (select 1 as n union all select n + 1 from crate where n < 3) "
      "select * from crate) s, crate",
      "create view kept as select (s.x).label from (select c as x from crate c) s",
  };
  for (const auto& view : views) {
    std::vector<SourceFile> files;
    files.emplace_back("001_root.mig", "revision '001' revises base;\n" + std::string(setup) + view + ";\n");
    Diagnostics diagnostics;
    const auto chain = compile_chain(files, diagnostics);
    std::string errors;
    for (const auto& diagnostic : diagnostics.all()) errors += format_diagnostic(diagnostic);
    ASSERT_TRUE(chain.has_value()) << view << "\n" << errors;
    const std::string schema = head_schema_sql(*chain);
    std::string failed;
    try {
      database.connection().execute_script("BEGIN;\n" + schema + "\nSELECT * FROM kept;\n");
    } catch (const std::exception& refused) {
      failed = refused.what();
    }
    database.connection().execute("ROLLBACK");
    EXPECT_EQ(failed, "") << view << "\nkept as:\n" << schema.substr(schema.find("kept") == std::string::npos ? 0 : schema.find("kept"), 400);
  }
}

std::string nested_from_subqueries(int levels, std::string_view selected = "*") {
  std::string query = fmt::format("select {} from account s", selected);
  for (int level = 0; level < levels; ++level) query = fmt::format("select {} from ({}) s", selected, query);
  return query;
}

std::string lateral_items(int count) {
  std::string query = "select count(*) as n from account t0";
  for (int k = 1; k < count; ++k) query += fmt::format(", lateral (select t{}.*) t{}", k - 1, k);
  return query;
}

std::string chained_with_queries(int count) {
  std::string query = "with w0 as (select * from account)";
  for (int k = 1; k < count; ++k) query += fmt::format(", w{} as (select * from w{})", k, k - 1);
  return query + fmt::format(" select * from w{}", count - 1);
}

TEST(ViewChecksOnServer, NestingIsTakenAsDeepAsPostgresTakesIt) {
  testing::ScratchDatabase database("view_nesting");
  const std::vector<Case> deep = {
      {"create view v as select " + repeated("replace(", 1000) + "name" + repeated(", 'a', 'b')", 1000) + " as r from account", true},
      {"create view v as select " + repeated("(", 3000) + "id" + repeated(")", 3000) + " as r from account", true},
      {"create view v as select " + repeated("(select ", 1000) + "1" + repeated(")", 1000) + " as r", true},
      {"create view v as select " + repeated("coalesce(", 2000) + "id" + repeated(", 1)", 2000) + " as r from account", true},
      {"create table deep (id integer primary key, n integer default " + repeated("(", 3000) + "1" + repeated(")", 3000) + ")", true},
      {"create table deep (id integer primary key, n integer check (" + repeated("coalesce(", 2000) + "n" + repeated(", 1)", 2000) + " > 0))", true},
      {"create view v as select " + repeated("(", 10001) + "id" + repeated(")", 10001) + " as r from account", false},
      {"create domain deep as integer check ((select 1) is not null)", false},
      {"create domain deep as integer check (exists (select 1))", false},
      // Past about 1,700 levels PostgreSQL's parser runs out of stack ("memory exhausted").
      {"create view v as " + nested_from_subqueries(1900), false},
  };
  for (const auto& [statement, expected] : deep) {
    std::string errors;
    std::string refused;
    const bool built = builds(statement, errors);
    const bool taken = server_takes(database.connection(), statement, refused);
    const std::string shown = statement.substr(0, 80) + "...";
    EXPECT_EQ(built, taken) << shown << "\nmigc: " << (errors.empty() ? "builds" : errors.substr(0, 300))
                            << "\nPostgreSQL: " << (taken ? "takes it" : refused);
    EXPECT_EQ(taken, expected) << shown << "\nPostgreSQL: " << (taken ? "takes it" : refused);
  }
  // PostgreSQL makes a view or a default some levels deeper than it can then plan: the build
  // refuses what cannot be used (a call or operator is a level, a subquery two).
  struct Used {
    std::string statement;
    std::string use;
    bool expected;
  };
  const std::vector<Used> used = {
      {"create view v as select " + repeated("abs(", 4000) + "id" + repeated(")", 4000) + " as r from account", "select * from v", true},
      {"create view v as select " + repeated("abs(", 4200) + "id" + repeated(")", 4200) + " as r from account", "select * from v", false},
      {"create view v as select " + repeated("(select ", 2000) + "1" + repeated(")", 2000) + " as r", "select * from v", true},
      {"create view v as select " + repeated("(select ", 2200) + "1" + repeated(")", 2200) + " as r", "select * from v", false},
      {"create view v as select id" + repeated(" + id", 8000) + " as r from account", "select * from v", false},
      {"create table deep (id integer primary key, n integer default " + repeated("abs(", 4000) + "1" + repeated(")", 4000) + ")",
       "insert into deep (id) values (1)", true},
      {"create table deep (id integer primary key, n integer default " + repeated("abs(", 4200) + "1" + repeated(")", 4200) + ")",
       "insert into deep (id) values (1)", false},
      {"create domain deep as integer check (value" + repeated(" + 1", 4200) + " > 0)", "select 1::deep", false},
      // Each level of a nested FROM or WITH query names those under it: read once, not again at
      // every level (600 levels once took 20 GB, 1,600 LATERAL items 5 GB).
      {"create view v as " + nested_from_subqueries(1000), "select * from v", true},
      {"create view v as " + chained_with_queries(300), "select * from v", true},
      {"create view v as " + nested_from_subqueries(600, "s.*"), "select * from v", true},
      {"create view v as " + lateral_items(600), "select * from v", true},
  };
  for (const auto& [statement, use, expected] : used) {
    std::string errors;
    std::string refused;
    const bool built = builds(statement, errors);
    const bool taken = server_takes(database.connection(), statement + ";\n" + use, refused);
    const std::string shown = statement.substr(0, 80) + "...";
    EXPECT_EQ(built, taken) << shown << "\nmigc: " << (errors.empty() ? "builds" : errors.substr(0, 300))
                            << "\nPostgreSQL: " << (taken ? "takes it" : refused);
    EXPECT_EQ(taken, expected) << shown << "\nPostgreSQL: " << (taken ? "takes it" : refused);
  }
}

}  // namespace
}  // namespace migc
