using System.Collections;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Scim.EntityFrameworkCore;

/// <summary>
/// Gives SQLite's <c>lower()</c> and <c>upper()</c> the case mapping of all of Unicode on the
/// SQLite connections the stores run statements on. SQLite's own functions change ASCII letters
/// only, while the stores fold a filter's value in .NET (<c>ToLowerInvariant</c>) and the in-memory
/// store compares all of Unicode without case: <c>lower('Ünit')</c> was <c>Ünit</c> in SQL and
/// <c>ünit</c> in .NET, so <c>displayName eq "Ünit"</c> found nothing. SQLite lets an application's
/// function take the place of a built-in one on a database connection; the replacements are
/// <see cref="string.ToLowerInvariant()"/> and <see cref="string.ToUpperInvariant()"/>, declared
/// deterministic, so every translated comparison, <c>LIKE</c> and ordering uses them with no change
/// to the SQL.
/// <list type="bullet">
/// <item>They are given to the native connection (the handle Microsoft.Data.Sqlite pools and
/// hands to one <c>SqliteConnection</c> after another), once, right after an open, and stay with it
/// for its life. A function registered the public way is removed again when its connection object
/// closes, and removing a replacement of a built-in leaves the pooled handle with no <c>lower()</c>
/// at all (SQLite answers "wrong number of arguments" to the next user of the handle): so after
/// registering, this takes the two out of the connection object's list of functions to restore,
/// which is a private field of Microsoft.Data.Sqlite. Where that field is not found (another
/// version), nothing is given, and the functions stay SQLite's own.</item>
/// <item>Every statement on a handle that has them uses them: the host's own queries on the same
/// database (with the same connection string) too. A database whose schema names <c>lower(</c> or
/// <c>upper(</c> (an index on an expression, a generated column, a <c>CHECK</c>, a view, a trigger)
/// is left with SQLite's own functions, since values computed by the two would disagree beyond ASCII.</item>
/// </list>
/// The package does not reference Microsoft.Data.Sqlite: its members are found by reflection,
/// once. On any other provider this does nothing.
/// </summary>
internal static class SqliteCaseFunctions
{
    private const string SqliteConnectionType = "Microsoft.Data.Sqlite.SqliteConnection";
    private const string SchemaUsesThem = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE sql LIKE '%lower(%' OR sql LIKE '%upper(%')";

    private static readonly object Mark = new();
    private static readonly ConditionalWeakTable<DbConnection, object> Watched = [];
    private static readonly ConditionalWeakTable<object, object> Handles = [];
    private static readonly Func<object?, object?> LowerFunction = Lower;
    private static readonly Func<object?, object?> UpperFunction = Upper;
    private static Api? _api;

    /// <summary>The replacement of <c>lower()</c>: text lower-cased as .NET does; SQL NULL stays NULL; a number becomes its text, as with the built-in.</summary>
    internal static object? Lower(object? value) => value switch
    {
        string text => text.ToLowerInvariant(),
        null or DBNull => null,
        byte[] bytes => bytes,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>The replacement of <c>upper()</c>, as <see cref="Lower"/>.</summary>
    internal static object? Upper(object? value) => value switch
    {
        string text => text.ToUpperInvariant(),
        null or DBNull => null,
        byte[] bytes => bytes,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Watches <paramref name="connection"/>, once, if it is a SQLite connection: each time it
    /// opens, its native connection is given the two functions unless it has them.
    /// </summary>
    public static void Watch(DbConnection connection)
    {
        if (Watched.TryGetValue(connection, out _))
        {
            return; // any connection seen before, of SQLite or not
        }

        if (connection.GetType().FullName == SqliteConnectionType && (_api ??= Api.Find(connection.GetType())).Usable)
        {
            connection.StateChange += static (sender, e) =>
            {
                if (e.CurrentState == ConnectionState.Open)
                {
                    Give((DbConnection)sender);
                }
            };
            if (connection.State == ConnectionState.Open)
            {
                Give(connection);
            }
        }

        Watched.AddOrUpdate(connection, Mark);
    }

    /// <summary>Whether the native connection under <paramref name="connection"/> (open) has the two functions (for tests).</summary>
    internal static bool Given(DbConnection connection) =>
        _api?.Handle(connection) is { } handle && Handles.TryGetValue(handle, out var given) && given is true;

    private static void Give(DbConnection connection)
    {
        var api = _api!;
        if (api.Handle(connection) is not { } handle || Handles.TryGetValue(handle, out _))
        {
            return;
        }

        var given = false;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = SchemaUsesThem;
            if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                api.Create(connection, "lower", LowerFunction);
                api.Create(connection, "upper", UpperFunction);
                given = true;
            }
        }

        Handles.AddOrUpdate(handle, given);
    }

    /// <summary>The members of Microsoft.Data.Sqlite this uses.</summary>
    private sealed class Api
    {
        private readonly MethodInfo? _createFunction;
        private readonly PropertyInfo? _handle;
        private readonly FieldInfo? _functions;

        private Api(MethodInfo? createFunction, PropertyInfo? handle, FieldInfo? functions) =>
            (_createFunction, _handle, _functions) = (createFunction, handle, functions);

        /// <summary>Whether every member was found.</summary>
        public bool Usable => _createFunction is not null && _handle is not null && _functions is not null;

        public static Api Find(Type connection)
        {
            // public void CreateFunction<T1, TResult>(string name, Func<T1, TResult>? function, bool isDeterministic)
            var create = connection.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(m => m.Name == "CreateFunction"
                    && m.IsGenericMethodDefinition
                    && m.GetGenericArguments().Length == 2
                    && m.GetParameters() is [{ ParameterType: var name }, { ParameterType: var function }, { ParameterType: var deterministic }]
                    && name == typeof(string)
                    && function.IsGenericType
                    && function.GetGenericTypeDefinition() == typeof(Func<,>)
                    && deterministic == typeof(bool))
                ?.MakeGenericMethod(typeof(object), typeof(object));
            var handle = connection.GetProperty("Handle", BindingFlags.Public | BindingFlags.Instance);
            var functions = connection.GetField("_functions", BindingFlags.NonPublic | BindingFlags.Instance);
            return new Api(create, handle, functions is not null && typeof(IDictionary).IsAssignableFrom(functions.FieldType) ? functions : null);
        }

        public object? Handle(DbConnection connection) => _handle!.GetValue(connection);

        /// <summary>Registers the function on the open connection's handle, and takes it out of what the connection removes again when it closes.</summary>
        public void Create(DbConnection connection, string name, Func<object?, object?> function)
        {
            _createFunction!.Invoke(connection, [name, function, true]);
            if (_functions!.GetValue(connection) is IDictionary registered)
            {
                registered.Remove((name, 1));
            }
        }
    }
}
