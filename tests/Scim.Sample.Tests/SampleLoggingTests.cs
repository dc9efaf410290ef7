using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Scim.Sample.Tests;

/// <summary>
/// The sample's log as an operator sees it: requests carrying credentials and personal data
/// (a token in the query string, a wrong bearer token, a filter on an email, a password, the value
/// of a misspelled attribute) leave none of them in the output, while the log still says what was
/// ignored.
/// </summary>
public sealed class SampleLoggingTests
{
    private const string Token = "sample-log-token-7Q2x";
    private const string QueryToken = "query-token-Zk41";
    private const string WrongToken = "wrong-token-Hb90";
    private const string FilterValue = "filter.person.Mw3@example.com";
    private const string Password = "Password-Rt58!";
    private const string UnknownValue = "unknown-value-Jd62";

    [Fact]
    public async Task Requests_WithSecretsAndPersonalData_LeaveNoneOfThemInTheLog()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var sample = await SampleProcess.StartAsync("--Sample:Token=" + Token);
        using var anonymous = new HttpClient { BaseAddress = new Uri(sample.BaseUrl + "/") };
        using var client = new HttpClient { BaseAddress = new Uri(sample.BaseUrl + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("Users?access_token=" + QueryToken, cancel)).StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "Users"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WrongToken);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong, cancel)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"Users?filter=userName eq \"{FilterValue}\"", cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"Users?filter=userName zz \"{FilterValue}\"", cancel)).StatusCode);
        // The sample's default store keeps no password: the request is refused, and its password not logged.
        var withPassword = await client.PostAsync("Users", Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{FilterValue}}","password":"{{Password}}"}"""), cancel);
        Assert.Equal(HttpStatusCode.BadRequest, withPassword.StatusCode);
        var created = await client.PostAsync("Users", Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{FilterValue}}"}"""), cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var refused = await client.PutAsync(created.Headers.Location, Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{FilterValue}}","adreses":"{{UnknownValue}}"}"""), cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        // A graceful stop flushes the log; its last lines show the whole log was read.
        var log = await sample.StopAndReadRestAsync();

        Assert.Contains("Application is shutting down", log, StringComparison.Ordinal);
        foreach (var secret in (string[])[Token, QueryToken, WrongToken, FilterValue, Uri.EscapeDataString(FilterValue), Password, UnknownValue])
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/scim+json");
}
