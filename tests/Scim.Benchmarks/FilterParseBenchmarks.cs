using BenchmarkDotNet.Attributes;
using Scim.Core.Filtering;

namespace Scim.Benchmarks;

/// <summary>Parsing the filters identity providers send, and a set of representative harder ones.</summary>
[MemoryDiagnoser]
public class FilterParseBenchmarks
{
    /// <summary>Ten representative filters: lookups IdPs make on every sync, and/or chains, not, value paths, URN paths, dateTime ranges.</summary>
    public static readonly string[] Representative =
    [
        "userName eq \"bjensen@example.com\"",
        "externalId eq \"00u1dhhb1fkIGP7RL1d8\"",
        "userName eq \"bjensen\" and active eq true",
        "title pr or userType eq \"Intern\" or userType eq \"Employee\"",
        "userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")",
        "emails[type eq \"work\" and value co \"@example.com\"]",
        "emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"26118915-6090-4610-87e4-49d8ca9f808d\"",
        "meta.lastModified ge \"2011-05-13T04:42:34Z\" and meta.lastModified lt \"2012-05-13T04:42:34Z\"",
    ];

    [Benchmark]
    public FilterExpression ParseUserNameEq() => ScimFilterParser.Parse("userName eq \"bjensen@example.com\"");

    [Benchmark(OperationsPerInvoke = 10)]
    public FilterExpression? ParseTenRepresentative()
    {
        FilterExpression? last = null;
        foreach (var filter in Representative)
        {
            last = ScimFilterParser.Parse(filter);
        }

        return last;
    }

    [Benchmark]
    public object ParsePatchPath() => ScimFilterParser.ParsePatchPath("emails[type eq \"work\"].value");
}
