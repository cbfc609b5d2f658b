using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers;

public sealed class HomeController : Controller
{
    [HttpGet("/")]
    public IActionResult Index() => View();
}
