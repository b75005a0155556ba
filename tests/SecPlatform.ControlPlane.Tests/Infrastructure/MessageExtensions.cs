namespace SecPlatform.ControlPlane.Tests.Infrastructure;

public static class MessageExtensions
{
    /// <summary>Changes a request in line: <c>Request(...).With(r => r.Priority = 5)</c>.</summary>
    public static T With<T>(this T message, Action<T> change)
    {
        change(message);
        return message;
    }
}
