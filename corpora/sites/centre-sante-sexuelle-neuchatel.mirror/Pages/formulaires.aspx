<!DOCTYPE html>
<html lang="fr" dir="ltr"><head><meta charset="utf-8"><title>Formulaires</title>
<link rel="canonical" href="__ORIGIN__/Pages/formulaires.aspx"></head>
<body class="ms-backgroundImage"><form method="post" action="./formulaires.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MzE0MjEwNTs7Pg==">
<div id="s4-workspace"><div id="header">
<span class="portail">Portail de test</span> › <span>Centre de santé sexuelle – planning familial de Neuchâtel</span></div>
<div id="breadcrumb"><a href="/Pages/accueil.aspx">Accueil</a> &gt; <span>Formulaires</span></div>
<div id="leftNav"><h3>Dans cette rubrique</h3><ul><li><a href="/Pages/accueil.aspx">Accueil</a></li><li><a href="/Pages/prestations.aspx">Prestations</a></li><li><a href="/Pages/formulaires.aspx">Formulaires</a></li><li><a href="/Pages/contact.aspx">Contact</a></li><li><a href="/Pages/archives.aspx">Archives</a></li></ul></div>
<div id="contentBox"><div class="ms-rtestate-field"><h1>Formulaires et démarches</h1><p>Prendre rendez-vous auprès du centre, notamment pour un dépistage des IST (prélèvement d'urine ou goutte de sang au doigt).</p><ul><li><a href="/Documents/presentation.pdf">Présentation (PDF)</a></li><li><a href="/Documents/formulaire-2021.pdf">Ancien formulaire 2021 (PDF)</a></li></ul></div></div>
<aside id="contactBox"><h3>Contact</h3><p>Centre de santé sexuelle – planning familial de Neuchâtel</p></aside>
<div id="footer">© Centre de santé sexuelle – planning familial de Neuchâtel · Miroir de test Permanence – contenu généré</div></div></form></body></html>
