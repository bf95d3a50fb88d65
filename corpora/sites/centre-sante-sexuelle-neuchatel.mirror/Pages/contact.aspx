<!DOCTYPE html>
<html lang="fr" dir="ltr"><head><meta charset="utf-8"><title>Contact</title>
<link rel="canonical" href="__ORIGIN__/Pages/contact.aspx"></head>
<body class="ms-backgroundImage"><form method="post" action="./contact.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MzE0MjEwNTs7Pg==">
<div id="s4-workspace"><div id="header">
<span class="portail">Portail de test</span> › <span>Centre de santé sexuelle – planning familial de Neuchâtel</span></div>
<div id="breadcrumb"><a href="/Pages/accueil.aspx">Accueil</a> &gt; <span>Contact</span></div>
<div id="leftNav"><h3>Dans cette rubrique</h3><ul><li><a href="/Pages/accueil.aspx">Accueil</a></li><li><a href="/Pages/prestations.aspx">Prestations</a></li><li><a href="/Pages/formulaires.aspx">Formulaires</a></li><li><a href="/Pages/contact.aspx">Contact</a></li><li><a href="/Pages/archives.aspx">Archives</a></li></ul></div>
<div id="contentBox"><div class="ms-rtestate-field"><h1>Contact</h1><table class="contact"><caption>Nous joindre</caption><tbody><tr><th scope="row">Adresse</th><td>Neuchâtel</td></tr><tr><th scope="row">Tarifs</th><td>entretiens gratuits; dépistage des IST environ 15 à 40 CHF par test; tests de grossesse et contraception d'urgence à prix modique, parfois gratuits</td></tr><tr><th scope="row">Région</th><td>canton</td></tr></tbody></table></div></div>
<aside id="contactBox"><h3>Contact</h3><p>Centre de santé sexuelle – planning familial de Neuchâtel</p></aside>
<div id="footer">© Centre de santé sexuelle – planning familial de Neuchâtel · Miroir de test Permanence – contenu généré</div></div></form></body></html>
