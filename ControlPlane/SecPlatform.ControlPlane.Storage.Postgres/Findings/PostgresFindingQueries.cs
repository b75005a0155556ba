using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Data;
using SecPlatform.ControlPlane.Storage.Postgres.Entities;
using static SecPlatform.ControlPlane.Storage.Postgres.Mapping.EntityMapper;

namespace SecPlatform.ControlPlane.Storage.Postgres.Findings;

/// <summary>
/// Sorted finding lists and summary counts over the same filters as <see cref="PostgresFindings.Filtered"/>. A sorted
/// page is ORDER BY the sort's columns and id with a keyset condition: when every key runs one way it is a row
/// comparison, <c>(severity_rank, id) &lt; ($1, $2)</c>, which the (tenant_id, severity_rank, id) and
/// (tenant_id, last_seen, id) indexes answer as one index range scan, forwards or backwards; mixed directions fall
/// back to the equivalent OR of comparisons. A summary is one GROUP BY.
/// </summary>
internal sealed class PostgresFindingQueries(PooledDbContextFactory<ControlPlaneDbContext> contexts, RowSecurity rls)
{
    private static readonly System.Reflection.MethodInfo RowGreaterThan =
        typeof(NpgsqlDbFunctionsExtensions).GetMethod(nameof(NpgsqlDbFunctionsExtensions.GreaterThan), [typeof(DbFunctions), typeof(ITuple), typeof(ITuple)])!;

    private static readonly System.Reflection.MethodInfo RowLessThan =
        typeof(NpgsqlDbFunctionsExtensions).GetMethod(nameof(NpgsqlDbFunctionsExtensions.LessThan), [typeof(DbFunctions), typeof(ITuple), typeof(ITuple)])!;

    private static readonly System.Reflection.MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    public async Task<IReadOnlyList<Finding>> ListAsync(FindingQuery query, FindingPage page, CancellationToken cancellationToken)
    {
        var limit = Math.Min(page.Limit, PageRequest.MaxLimit);
        if (limit <= 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var columns = Columns(page.Sort);
        var rows = PostgresFindings.Filtered(db, query);
        if (page.After is { } after)
        {
            rows = rows.Where(Keyset(columns, after));
        }

        IOrderedQueryable<FindingEntity>? ordered = null;
        foreach (var column in columns)
        {
            ordered = column.OrderBy(rows, ordered);
        }

        var found = await ordered!.Take(limit).ToListAsync(cancellationToken);
        return [.. found.Select(ToDomain)];
    }

    public async Task<FindingSummary> SummarizeAsync(FindingQuery query, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await rls.BeginAsync(db, cancellationToken);
        var groups = await PostgresFindings.Filtered(db, query)
            .GroupBy(f => new { f.Severity, f.Status })
            .Select(g => new { g.Key.Severity, g.Key.Status, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        return new FindingSummary(
            [.. groups
                .Select(g => new FindingCount(ParseSeverity(g.Severity), g.Status, g.Count))
                .OrderByDescending(c => c.Severity)
                .ThenBy(c => c.Status, StringComparer.Ordinal)]);
    }

    /// <summary>The sort's columns, then the id in the direction of the last one.</summary>
    private static List<SortColumn> Columns(FindingSort sort)
    {
        var columns = sort.Keys.Select(key => key.Field switch
        {
            FindingSortField.FirstSeen => SortColumn.Of(f => f.FirstSeen, v => Utc(v.FirstSeen), key.Descending),
            FindingSortField.LastSeen => SortColumn.Of(f => f.LastSeen, v => Utc(v.LastSeen), key.Descending),
            FindingSortField.Severity => SortColumn.Of(f => f.SeverityRank, v => (int)v.Severity, key.Descending),
            FindingSortField.Occurrences => SortColumn.Of(f => f.Occurrences, v => v.Occurrences, key.Descending),
            FindingSortField.Status => SortColumn.Of(f => f.Status, v => v.Status, key.Descending),
            FindingSortField.Rule => SortColumn.Of(f => f.RuleId, v => v.RuleId, key.Descending),
            FindingSortField.Scanner => SortColumn.Of(f => f.Scanner, v => v.Scanner, key.Descending),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), key.Field, "unknown sort field"),
        }).ToList();
        columns.Add(SortColumn.Of(f => f.Id, _ => "", sort.IdDescending));
        return columns;
    }

    /// <summary>The rows after the cursor in the columns' order.</summary>
    private static Expression<Func<FindingEntity, bool>> Keyset(List<SortColumn> columns, FindingCursor cursor)
    {
        var row = Expression.Parameter(typeof(FindingEntity), "f");
        var values = columns.Select((c, i) => i == columns.Count - 1 ? Parameter(cursor.Id, typeof(string)) : c.CursorValue(cursor)).ToList();
        var fields = columns.Select(c => c.Read(row)).ToList();
        Expression condition;
        if (columns.All(c => c.Descending == columns[0].Descending))
        {
            // One row comparison: an index range condition, so a deep page costs what the first one does.
            condition = Expression.Call(columns[0].Descending ? RowLessThan : RowGreaterThan,
                Expression.Constant(EF.Functions), Tuple(fields), Tuple(values));
        }
        else
        {
            // (a > x) OR (a = x AND b < y) OR (a = x AND b = y AND id > z), each comparison in its column's direction.
            condition = Expression.Constant(false);
            for (var i = columns.Count - 1; i >= 0; i--)
            {
                Expression term = Compare(fields[i], values[i], columns[i].Descending);
                for (var j = 0; j < i; j++)
                {
                    term = Expression.AndAlso(Expression.Equal(fields[j], values[j]), term);
                }

                condition = i == columns.Count - 1 ? term : Expression.OrElse(term, condition);
            }
        }

        return Expression.Lambda<Func<FindingEntity, bool>>(condition, row);
    }

    private static Expression Compare(Expression field, Expression value, bool descending)
    {
        if (field.Type == typeof(string))
        {
            var order = Expression.Call(StringCompare, field, value);
            return descending ? Expression.LessThan(order, Expression.Constant(0)) : Expression.GreaterThan(order, Expression.Constant(0));
        }

        return descending ? Expression.LessThan(field, value) : Expression.GreaterThan(field, value);
    }

    private static Expression Tuple(List<Expression> items)
    {
        var create = typeof(ValueTuple).GetMethods()
            .Single(m => m.Name == nameof(ValueTuple.Create) && m.GetGenericArguments().Length == items.Count)
            .MakeGenericMethod([.. items.Select(i => i.Type)]);
        return Expression.Convert(Expression.Call(create, items), typeof(ITuple));
    }

    /// <summary>A value EF Core sends as a query parameter (read from an object), not as a literal in the SQL text.</summary>
    private static Expression Parameter(object value, Type type)
    {
        var holder = Activator.CreateInstance(typeof(Holder<>).MakeGenericType(type), value)!;
        return Expression.Field(Expression.Constant(holder), "Value");
    }

    private sealed class Holder<T>(T value)
    {
        public readonly T Value = value;
    }

    private sealed record SortColumn(LambdaExpression Selector, Func<FindingCursor, Expression> CursorValue, bool Descending,
        Func<IQueryable<FindingEntity>, IOrderedQueryable<FindingEntity>?, IOrderedQueryable<FindingEntity>> OrderBy)
    {
        public static SortColumn Of<T>(Expression<Func<FindingEntity, T>> selector, Func<FindingSortValues, T> value, bool descending) =>
            new(selector, cursor => Parameter(value(cursor.Values)!, typeof(T)), descending, (rows, ordered) => (ordered, descending) switch
            {
                (null, false) => rows.OrderBy(selector),
                (null, true) => rows.OrderByDescending(selector),
                (_, false) => ordered.ThenBy(selector),
                (_, true) => ordered.ThenByDescending(selector),
            });

        public Expression Read(ParameterExpression row) => new ParameterSwap(Selector.Parameters[0], row).Visit(Selector.Body);
    }

    private sealed class ParameterSwap(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
