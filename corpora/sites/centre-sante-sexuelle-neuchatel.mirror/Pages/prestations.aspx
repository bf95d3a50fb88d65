<!DOCTYPE html>
<html lang="fr" dir="ltr"><head><meta charset="utf-8"><title>Prestations</title>
<link rel="canonical" href="__ORIGIN__/Pages/prestations.aspx"></head>
<body class="ms-backgroundImage"><form method="post" action="./prestations.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MzE0MjEwNTs7Pg==">
<div id="s4-workspace"><div id="header">
<span class="portail">Portail de test</span> › <span>Centre de santé sexuelle – planning familial de Neuchâtel</span></div>
<div id="breadcrumb"><a href="/Pages/accueil.aspx">Accueil</a> &gt; <span>Prestations</span></div>
<div id="leftNav"><h3>Dans cette rubrique</h3><ul><li><a href="/Pages/accueil.aspx">Accueil</a></li><li><a href="/Pages/prestations.aspx">Prestations</a></li><li><a href="/Pages/formulaires.aspx">Formulaires</a></li><li><a href="/Pages/contact.aspx">Contact</a></li><li><a href="/Pages/archives.aspx">Archives</a></li></ul></div>
<div id="contentBox"><div class="ms-rtestate-field"><h1>Prestations</h1><ul class="prestations"><li>entretiens gratuits et confidentiels</li><li>contraception, y compris contraception d'urgence</li><li>tests de grossesse</li><li>dépistage des IST</li><li>information sur l'interruption de grossesse</li></ul><h2>Conditions</h2><p>Jeunes et adultes, couples, quel que soit le domicile.</p></div></div>
<aside id="contactBox"><h3>Contact</h3><p>Centre de santé sexuelle – planning familial de Neuchâtel</p></aside>
<div id="footer">© Centre de santé sexuelle – planning familial de Neuchâtel · Miroir de test Permanence – contenu généré</div></div></form></body></html>
